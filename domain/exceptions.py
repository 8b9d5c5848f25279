"""Typed domain errors. Handlers map them to Spanish messages in one place."""


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""
