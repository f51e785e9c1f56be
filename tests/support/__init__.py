"""Helpers the tests share: projects, documents (PDF, office), the live server, imports."""
