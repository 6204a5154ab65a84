"""Domain errors raised by services; views turn them into form errors, APIs into 400/409."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status_code = 400
    default_message = _("操作无法完成。")

    def __init__(self, message: str | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotAllowed(DomainError):
    code = "permission_denied"
    status_code = 403
    default_message = _("您无权执行此操作。")


class Conflict(DomainError):
    code = "conflict"
    status_code = 409
    default_message = _("状态已变化，操作未执行。")


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("当前状态下不能执行该操作。")
