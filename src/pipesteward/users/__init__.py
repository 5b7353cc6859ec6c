"""Console users: engineers who sign in with a password (argon2 hashes), the sign-in throttle,
and the rule of who may act for whom. Pure values and functions; the ops store keeps the rows
(`pipesteward.store.users`)."""
