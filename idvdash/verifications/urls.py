app_name = "verifications"

urlpatterns: list = []
