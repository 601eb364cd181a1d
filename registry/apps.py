from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = _("Реестр услуг")

    def ready(self) -> None:
        # Signal receivers that keep the catalogue's search table and page cache right when
        # reference data changes, in every process (web, admin, management commands).
        from django.db.models.signals import post_delete, post_save, pre_save

        from registry import workdays
        from registry.catalogue import caching, search  # noqa: F401
        from registry.models import CalendarDay, StandardForm
        from registry.services import form_files

        # An edited calendar is read afresh by the next count of days in this process.
        post_save.connect(workdays.forget_calendar, sender=CalendarDay, dispatch_uid="calendar_saved")
        post_delete.connect(workdays.forget_calendar, sender=CalendarDay, dispatch_uid="calendar_deleted")

        # A form's file dropped or replaced by any save (editor, admin, import, demo loader, a
        # deleted edition) leaves storage on commit, unless another edition's row shares it.
        pre_save.connect(
            form_files.remember_stored_file, sender=StandardForm, dispatch_uid="form_file_remember"
        )
        post_save.connect(
            form_files.release_replaced_file, sender=StandardForm, dispatch_uid="form_file_replaced"
        )
        post_delete.connect(
            form_files.release_deleted_file, sender=StandardForm, dispatch_uid="form_file_deleted"
        )

        # Officials' sign-ins: the sessions the administrator sees and ends; a lock is logged.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from registry import security

        user_logged_in.connect(security.record_sign_in, dispatch_uid="official_session_started")
        user_logged_out.connect(security.record_sign_out, dispatch_uid="official_session_ended")
        user_locked_out.connect(security.log_lockout, dispatch_uid="login_locked_logged")
