import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What loading the application created (modules, models, settings, translations: about a
# quarter of a million objects) lives as long as the process. Set apart from the garbage
# collector, it is no longer traversed by every full collection, which otherwise costs a
# worker tens of milliseconds every few hundred requests.
gc.freeze()
