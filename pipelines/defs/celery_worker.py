"""The Celery app of the dagster-celery workers: ``celery -A pipelines.defs.celery_worker worker``.

dagster-celery's own app (``dagster_celery.app``) with the broker and result backend of
``GOVREPORT_CELERY_BROKER`` / ``GOVREPORT_CELERY_BACKEND``, the variables the jobs' executor reads
(:mod:`pipelines.defs.executors`), so a worker listens where the runs submit. This is the
customisation dagster-celery documents (a module that makes the app and its ``execute_plan``
task); the task itself is dagster-celery's: it rebuilds the run's job from its code location
(``pipelines.definitions``, configured by the worker's own ``GOVREPORT_*`` variables) and
executes the one step it was sent.
"""

from dagster_celery.executor import CeleryExecutor
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_task

from pipelines.defs.executors import celery_urls

_broker, _backend = celery_urls()
app = make_app(CeleryExecutor.for_cli(broker=_broker, backend=_backend).app_args())
execute_plan = create_task(app)
