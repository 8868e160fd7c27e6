"""Prefect flows: thin wrappers over the plain functions, with their schedules."""
