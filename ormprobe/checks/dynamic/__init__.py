"""Database confirmations of the checks: each proves (or refutes) a prediction by running
the scenario it describes in a rolled-back savepoint."""
