"""Every write of the registry's workflow: keyword-only functions, each in one transaction,
checking its preconditions and writing its audit event. Views, admin actions, importers and
management commands call these; nothing else changes an edition's status.

``actor`` is the user acting, or None for the system (scheduled publication, data loaders).
"""

from registry.services.copying import edition_copy
from registry.services.editing import RowsUpdate, edition_rows_update, edition_update
from registry.services.errors import (
    ActionForbidden,
    AmendmentNotNamed,
    ApprovalRefused,
    CommentRequired,
    EditConflict,
    EditionNotEditable,
    EffectiveDateBeforeCurrent,
    FourEyesViolation,
    InvalidTransition,
    NotVisible,
    OpenEditionExists,
    PublicationRefused,
    RowNotInEdition,
    ScheduledEditionPending,
    ServiceNotWithdrawn,
    ServiceWithdrawn,
    SubmissionRefused,
    UnknownField,
    WithdrawalIncomplete,
    WorkflowError,
)
from registry.services.lifecycle import (
    PublicationRun,
    edition_approve,
    edition_create_draft,
    edition_publish,
    edition_reject,
    edition_submit,
    editions_publish_due,
)
from registry.services.offices import office_save
from registry.services.service_records import (
    service_categories_set,
    service_create,
    service_restore,
    service_withdraw,
)

__all__ = [
    "office_save",
    "ActionForbidden",
    "AmendmentNotNamed",
    "ApprovalRefused",
    "CommentRequired",
    "EditConflict",
    "EditionNotEditable",
    "EffectiveDateBeforeCurrent",
    "FourEyesViolation",
    "InvalidTransition",
    "NotVisible",
    "OpenEditionExists",
    "PublicationRefused",
    "PublicationRun",
    "RowNotInEdition",
    "RowsUpdate",
    "ScheduledEditionPending",
    "ServiceNotWithdrawn",
    "ServiceWithdrawn",
    "SubmissionRefused",
    "UnknownField",
    "WithdrawalIncomplete",
    "WorkflowError",
    "edition_approve",
    "edition_copy",
    "edition_create_draft",
    "edition_publish",
    "edition_reject",
    "edition_rows_update",
    "edition_submit",
    "edition_update",
    "editions_publish_due",
    "service_create",
    "service_restore",
    "service_withdraw",
    "service_categories_set",
]
