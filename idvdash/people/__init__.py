"""One person across providers: subjects, links, match keys, retention and erasure."""
