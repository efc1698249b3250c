"""The second factor for tests that log in with `client.force_login` (see `tests.factories.otp_verify_session`;
the root conftest already applies it to every `force_login`)."""

from tests.factories import otp_verify_session as verify_session

__all__ = ["verify_session"]
