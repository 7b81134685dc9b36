"""Delivery tracking: the status engine (``status``, pure) and the services over the store
(tasks from a report, assignments, progress, ratings, revisions, roll-ups, reminders, users).

Services take a Session and an acting user (``Actor``), return dataclasses and raise typed
errors (``NotFound``, ``Forbidden``, ``Conflict``, ``Invalid``); the caller owns the
transaction (``store.write_transaction``), so a refused write leaves nothing behind.
"""
