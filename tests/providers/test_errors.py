from idvdash.providers.errors import ProviderAuthError, ProviderError


def test_errors_redact_secrets_from_message_and_body():
    err = ProviderAuthError(
        "Stora account 'ops' refused token s3cr3t-token.",
        account="ops",
        status=401,
        body='{"token": "s3cr3t-token"}' + "x" * 2000,
        secrets=["s3cr3t-token", "", "abc"],
    )

    assert "s3cr3t-token" not in str(err)
    assert "s3cr3t-token" not in err.body
    assert len(err.body) == 500
    assert isinstance(err, ProviderError)
    assert (err.account, err.status) == ("ops", 401)
