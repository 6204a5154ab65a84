#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # manage.py is the developer's entry point. The served portal (portal.wsgi under gunicorn) and
    # Celery keep DEBUG off unless told otherwise, and refuse to start without a real SECRET_KEY;
    # production sets DEBUG=false explicitly for its management commands too (docker-compose.yml).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
