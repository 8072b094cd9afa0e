"""Counting a request's queries: the test client's request_started resets Django's own query log,
so CaptureQueriesContext would read 0; a wrapper around every execution counts them all."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def counting():
    count = [0]

    def wrapper(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count
