"""A ``statements/YYYY-MM.yaml`` file: each rep's monthly expense statement of that month
(月客户采购及客情费统计表) and its three sign-offs. The only place these fields are defined."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from .types import N_, Day, Invalid


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignOff(Strict):
    """One sign-off: who signed, and when."""

    by: str = Field(min_length=1, description="who signed")
    date: Day = Field(description="the day they signed")


class RepStatement(Strict):
    """One rep's statement of the month: submitted, then signed by the sales clerk, the sales
    manager and finance; paid from the pay working day once all three have signed."""

    submitted: Day | None = Field(None, description="the day the statement was handed in")
    special: Day | None = Field(None, description="the day the 新客户特殊费用汇总表 (special "
                                                  "expenses of new customers) was handed in")
    clerk: SignOff | None = Field(None, description="the sales clerk's sign-off (销售内勤)")
    manager: SignOff | None = Field(None, description="the sales manager's sign-off (销售经理)")
    finance: SignOff | None = Field(None, description="finance's sign-off (财务)")
    note: str | None = None

    @model_validator(mode="after")
    def _signed_after_submitted(self) -> RepStatement:
        for role in ("clerk", "manager", "finance"):
            sign = getattr(self, role)
            if sign is None:
                continue
            if self.submitted is None:
                raise Invalid(N_("{role} signed a statement that was not submitted "
                                 "(submitted: is missing)"), role=role)
            if sign.date < self.submitted:
                raise Invalid(N_("{role} signed on {signed}, before it was submitted on "
                                 "{submitted}"), role=role, signed=sign.date.isoformat(),
                              submitted=self.submitted.isoformat())
        return self


class StatementMonth(RootModel[dict[str, RepStatement]]):
    """The file: the rep's name -> their statement of the month."""
