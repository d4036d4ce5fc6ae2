def test_recent_ids_catch_a_row_repeated_on_the_next_page_and_forget_older_ones():
    from idvdash.providers.base import RecentIds

    seen = RecentIds()
    assert seen.first_time("a")
    assert not seen.first_time("a")
    seen.next_page()
    assert not seen.first_time("a")  # shifted onto the next page
    assert seen.first_time("b")
    seen.next_page()
    seen.next_page()
    assert seen.first_time("a")  # two pages later: memory stays bounded
