"""Request bodies of the API. Amounts are validated by the services (one place for the money rules)."""
from marshmallow import Schema, fields, validate

#: What the database's integer columns hold: a larger number is refused as input, never sent to the database.
INT32 = 2 ** 31 - 1
INT64 = 2 ** 63 - 1


def counter(minimum: int = 0, maximum: int = INT32):
    """The range of a count or version kept in an INTEGER column."""
    return validate.Range(minimum, maximum)


def identifier(minimum: int = 0):
    """The range of an id (BIGINT)."""
    return validate.Range(minimum, INT64)


class Fen(fields.Field):
    """An amount in fen. Documented as an integer; passed through as sent so the services
    refuse floats, strings and absurd values with ``invalid_amount``."""

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class LoginBody(Schema):
    username = fields.String(required=True, validate=validate.Length(1, 50))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class TapBody(Schema):
    uid = fields.String(required=True, metadata={"description": "Card UID, uppercase hex"})


class ChargeBody(Schema):
    uid = fields.String(required=True)
    amount = Fen(required=True, metadata={"description": "Amount keyed by the cashier, fen"})


class TopUpBody(Schema):
    person_id = fields.Integer(strict=True)
    uid = fields.String()
    amount = Fen(required=True)
    method = fields.String(required=True, metadata={"enum": ["cash", "wechat", "alipay", "bank"]})


class RefundBody(Schema):
    entry_id = fields.Integer(required=True, strict=True)
    amount = Fen(required=True)
    reason = fields.String(validate=validate.Length(max=200))


class IssueCardBody(Schema):
    person_id = fields.Integer(required=True, strict=True)
    uid = fields.String(required=True)
    printed_no = fields.String(validate=validate.Length(max=32))
    deposit = Fen(load_default=0)
    top_up = Fen(load_default=0)
    method = fields.String(load_default="cash")


class ReissueBody(Schema):
    new_uid = fields.String(required=True)
    printed_no = fields.String(validate=validate.Length(max=32))
    fee = Fen(load_default=0)
    fee_method = fields.String(load_default="cash")


class PersonBody(Schema):
    staff_no = fields.String(required=True, validate=validate.Length(1, 32))
    name = fields.String(required=True, validate=validate.Length(1, 50))
    department_id = fields.Integer(required=True, strict=True)
    category_id = fields.Integer(required=True, strict=True)
    phone = fields.String(validate=validate.Length(max=32))


class SubsidyBody(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 100))
    amount_each = Fen(required=True)
    department_ids = fields.List(fields.Integer(strict=True), load_default=list)
    category_ids = fields.List(fields.Integer(strict=True), load_default=list)
    expires_on = fields.Date()
    expiry_rule = fields.String(load_default="carry", validate=validate.OneOf(["zero", "carry"]))


class OpenShiftBody(Schema):
    opening_float = Fen(load_default=0)


class CloseShiftBody(Schema):
    counted_cash = Fen(required=True)


class SearchArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(1, 50))


class StatementArgs(Schema):
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))


class EntriesArgs(Schema):
    kind = fields.String(load_default="meal")
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 200))
