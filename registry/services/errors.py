"""Why a workflow action is refused: exceptions with a Russian message that names the rule.

Views show ``str(error)``; ``code`` is stable for tests and exchange clients. The two
subclasses of Django's own exceptions let a view that does not catch them answer 403
(ActionForbidden) or 404 (NotVisible: another body's draft is not shown to exist)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from registry.wording import counted


class WorkflowError(Exception):
    code = "workflow_error"
    message = _("Действие не выполнено.")

    def __init__(self, message: Any = None, *, params: dict[str, Any] | None = None):
        self.message = message if message is not None else type(self).message
        self.params = params or {}
        super().__init__(str(self))

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class NotVisible(WorkflowError, Http404):
    code = "not_visible"
    message = _("Услуга или редакция не найдена.")


class ActionForbidden(WorkflowError, PermissionDenied):
    code = "forbidden"
    message = _("Недостаточно полномочий: %(action)s может только %(who)s.")


class FourEyesViolation(ActionForbidden):
    code = "four_eyes"
    message = _(
        "Правило «четырёх глаз»: редакцию № %(number)s нельзя %(action)s тому, кто её готовил "
        "(создавал, изменял или отправлял на согласование). Это должен сделать другой согласующий."
    )


class InvalidTransition(WorkflowError):
    code = "invalid_transition"
    message = _(
        "Действие «%(action)s» недоступно: редакция № %(number)s в статусе «%(status)s», а оно "
        "выполняется для редакций в статусе %(allowed)s (порядок: черновик → на согласовании → "
        "утверждена → действующая → утратила силу)."
    )


class EditionNotEditable(InvalidTransition):
    code = "not_editable"
    message = _(
        "Редакция № %(number)s в статусе «%(status)s» не редактируется: изменять можно только "
        "черновик. Опубликованная редакция исправляется новой редакцией."
    )


class OpenEditionExists(WorkflowError):
    code = "open_edition_exists"
    message = _(
        "У услуги уже есть незавершённая редакция № %(number)s (%(status)s): одновременно может "
        "готовиться только одна редакция. Продолжите работу с ней."
    )


class ServiceWithdrawn(WorkflowError):
    code = "service_withdrawn"
    message = _(
        "Услуга исключена из реестра %(date)s (%(reason)s): новые редакции не готовятся и не "
        "публикуются, пока услуга не восстановлена."
    )


class ServiceNotWithdrawn(WorkflowError):
    code = "service_not_withdrawn"
    message = _("Услуга не исключена из реестра: восстанавливать нечего.")


class WithdrawalIncomplete(WorkflowError):
    code = "withdrawal_incomplete"
    message = _("Укажите причину и дату исключения услуги из реестра: они публикуются для граждан.")


class ScheduledEditionPending(WorkflowError):
    code = "scheduled_edition_pending"
    message = _(
        "Редакция № %(number)s запланирована к вступлению в силу %(date)s: верните её на доработку, "
        "прежде чем исключать услугу из реестра."
    )


class CommentRequired(WorkflowError):
    code = "comment_required"
    message = _("Укажите замечания: редакция возвращается на доработку с комментарием согласующего.")


class AmendmentNotNamed(WorkflowError):
    code = "amendment_not_named"
    message = _(
        "Редакция № %(number)s не первая: укажите акт, которым внесены изменения, или опишите, "
        "что изменено. Без этого читатель не узнает, чем новая редакция отличается от прежней."
    )


class EffectiveDateBeforeCurrent(WorkflowError):
    code = "effective_date_before_current"
    message = _(
        "Дата вступления в силу %(date)s раньше даты действующей редакции № %(current_number)s "
        "(%(current_date)s): новая редакция не может вступить в силу раньше прежней."
    )


class PublicationRefused(WorkflowError):
    """The validator found errors; ``findings`` are the blocking ones, in statutory order."""

    code = "publication_refused"
    message = _(
        "Редакция № %(number)s не опубликована: проверка по ст. 14 210-ФЗ нашла %(errors)s. "
        "Исправьте их в черновике."
    )

    def __init__(self, *, findings: list, params: dict[str, Any]):
        self.findings = list(findings)
        count = len(self.findings)
        errors = counted(count, _("ошибку"), _("ошибки"), _("ошибок"))
        super().__init__(params={**params, "count": count, "errors": errors})

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]


class SubmissionRefused(PublicationRefused):
    """Submitting for review runs the publication validator too: a reviewer is never asked to
    approve what could not be published. A subclass, so every caller that reports a refused
    publication with its findings (importers, loaders) reports this one as well."""

    code = "submission_refused"
    message = _(
        "Редакция № %(number)s не отправлена на согласование: проверка по ст. 14 210-ФЗ нашла "
        "%(errors)s. Исправьте их в черновике и отправьте редакцию снова."
    )


class ApprovalRefused(PublicationRefused):
    """Approval re-runs the validator: a rule or a cited act may have changed since submission."""

    code = "approval_refused"
    message = _(
        "Редакция № %(number)s не утверждена: проверка по ст. 14 210-ФЗ на дату вступления в силу "
        "%(date)s нашла %(errors)s (акты или правила проверки могли измениться после "
        "отправки на согласование). Верните редакцию на доработку с замечаниями."
    )


class EditConflict(WorkflowError):
    """Someone saved the draft since this user opened it; nothing of this save was applied.

    ``refused_changes`` is the input as submitted, ``current_values`` what is stored now for
    the same fields, ``current_version`` the version to send with a new attempt."""

    code = "edit_conflict"
    message = _(
        "Черновик изменён другим пользователем (%(who)s) после того, как вы его открыли: ваши "
        "изменения не сохранены, чтобы не затереть чужие. Сравните значения и сохраните ещё раз."
    )

    def __init__(
        self,
        *,
        refused_changes: dict[str, Any],
        current_values: dict[str, Any],
        current_version: int,
        params: dict[str, Any],
    ):
        self.refused_changes = refused_changes
        self.current_values = current_values
        self.current_version = current_version
        super().__init__(params=params)


class UnknownField(WorkflowError):
    code = "unknown_field"
    message = _("Поле «%(field)s» нельзя изменить в черновике: его меняет только порядок публикации.")


class RowNotInEdition(WorkflowError):
    code = "row_not_in_edition"
    message = _("Строка «%(row)s» не относится к редакции № %(number)s.")
