"""Domain errors with stable codes and messages a cashier understands.

The code is the contract (API clients, terminals and tests switch on it); the message is
for people, in Chinese with an English rendering.
"""

#: code -> (HTTP status, Chinese message, English message)
CODES: dict[str, tuple[int, str, str]] = {
    "internal_error": (500, "服务器内部错误", "Internal server error"),
    "service_unavailable": (503, "服务暂不可用，请稍后用同一幂等键重试",
                            "Service unavailable; retry with the same idempotency key"),
    "conflict": (409, "与现有记录冲突", "Conflicts with an existing record"),
    "method_not_allowed": (405, "不支持的请求方法", "Method not allowed"),
    "invalid_input": (400, "请求内容有误", "The request is malformed"),
    "invalid_amount": (400, "金额无效：须为正整数（分），且不超过上限",
                       "Invalid amount: a positive whole number of fen within the limit"),
    "invalid_entry": (400, "记账分录无效（借贷不平衡或内容有误），未记账",
                      "Invalid journal entry (legs do not balance or a column is wrong); nothing was booked"),
    "invalid_uid": (400, "卡号格式无效", "Malformed card UID"),
    "random_uid": (400, "随机卡号的卡不能使用", "Cards with a random UID cannot be used"),
    "invalid_method": (400, "不支持的支付方式", "Unsupported payment method"),
    "idempotency_key_missing": (400, "缺少幂等键 Idempotency-Key", "Missing Idempotency-Key header"),
    "idempotency_conflict": (409, "同一幂等键已用于不同的请求",
                             "This idempotency key was used for a different request"),
    "terminal_auth_failed": (401, "终端认证失败", "Terminal authentication failed"),
    "operator_auth_failed": (401, "操作员未登录或登录已失效", "Operator not signed in or session expired"),
    "bad_credentials": (401, "用户名或密码错误", "Wrong username or password"),
    "forbidden": (403, "无权执行此操作", "Not allowed for this role"),
    "not_found": (404, "记录不存在", "No such record"),
    "unknown_card": (404, "未登记的卡", "Unknown card"),
    "card_lost": (409, "此卡已挂失", "This card is reported lost"),
    "card_replaced": (409, "此卡已补办新卡，旧卡停用", "This card was replaced by a new one"),
    "card_cancelled": (409, "此卡已注销", "This card is cancelled"),
    "card_not_lost": (409, "此卡未挂失，无需解挂", "This card is not reported lost"),
    "card_uid_in_use": (409, "该卡号已被使用", "This card UID is already in use"),
    "person_has_card": (409, "此人已有在用的卡，请办理补卡", "This person already has a card; reissue instead"),
    "person_not_found": (404, "人员不存在", "No such person"),
    "person_cancelled": (409, "此人已清退", "This person's account was cancelled"),
    "insufficient_balance": (402, "余额不足", "Insufficient balance"),
    "outside_meal_period": (409, "当前不在就餐时段", "Outside any meal period"),
    "no_price": (409, "此就餐时段未设置该类人员的价格", "No price set for this meal and diner category"),
    "meal_limit_reached": (409, "本餐次已达就餐上限", "Meal limit reached for this meal"),
    "daily_limit_reached": (409, "今日已达消费上限", "Daily limit reached"),
    "repeated_tap": (409, "请勿重复刷卡", "Repeated tap, already charged"),
    # Meal booking (报餐) and the diners' self-service pages (canteen/services/bookings.py, diner_accounts.py).
    "not_booked": (409, "未报餐，本餐不接受临时就餐", "No booking for this meal; walk-ins are not accepted"),
    "booking_closed": (409, "已过报餐截止时间", "The booking deadline for this meal has passed"),
    "booking_day_past": (409, "不能为已过去的日期报餐", "That day is already past"),
    "booking_too_far": (409, "超出可报餐的天数范围", "Too far ahead to book"),
    "meal_not_served": (409, "该日不供应此餐", "This meal is not served on that day"),
    "weak_password": (400, "密码不符合要求", "The password does not meet the rules"),
    "no_open_shift": (409, "请先开班", "Open a shift first"),
    "shift_already_open": (409, "已有未结班的班次", "A shift is already open"),
    "shift_closed": (409, "班次已结班", "The shift is already closed"),
    "not_refundable": (409, "只能退还消费记录", "Only meal charges can be refunded"),
    "refund_exceeds_original": (409, "退款金额超过原消费的可退余额", "Refund exceeds what is left of the charge"),
    "approval_required": (202, "金额超过限额，需另一名操作员审批", "Above the limit: a second operator must approve"),
    "self_approval": (409, "不能审批自己提交的退款", "You cannot approve your own refund"),
    "request_decided": (409, "此申请已处理", "This request was already decided"),
    "no_recipients": (409, "所选范围内没有可发放补贴的人员", "Nobody in the chosen departments or categories"),
    "subsidy_not_expirable": (409, "此批补贴不在到期清零之列", "This subsidy batch does not expire now"),
    "invalid_date": (400, "日期无效", "Invalid date"),
    "nothing_to_pay": (409, "没有可退的余额或押金", "Nothing to pay out"),
    # Offline terminals' sync (canteen/services/offline.py).
    "offline_batch_too_large": (400, "一次同步的离线记录过多", "Too many offline charges in one sync batch"),
    "offline_tampered": (400, "离线记录校验失败（可能被篡改）", "Offline charge failed its integrity check"),
    "offline_replay_mismatch": (409, "同一序号的离线记录内容不同", "An offline charge with this sequence differs"),
    "offline_sequence_gap": (409, "离线记录序号不连续，请先同步缺失的记录",
                             "Offline sequence gap: sync the missing charges"),
    "offline_gap_resolved": (409, "该缺号已处理或缺失的记录已到达", "This gap is resolved or its charges arrived"),
    "gap_reason_required": (400, "请填写处理缺号的原因", "Give the reason for resolving the gap"),
    # The service center's other modules (canteen/compound).
    "invalid_quantity": (400, "数量无效：面积、读数、里程、费用须为非负整数",
                         "Invalid quantity: must be a non-negative whole number"),
    "room_occupied": (409, "该房间已满员（已有使用人）", "This room is already occupied to capacity"),
    "over_standard": (409, "该办公室面积超过使用人职级的标准（调换、分配须符合标准）",
                      "This office is larger than the standard allows its occupants' ranks"),
    "person_has_office": (409, "此人已有办公室（兼职的只在主要工作部门安排一处）",
                          "This person already has an office"),
    "meter_reading_lower": (409, "读数低于上次读数；如已换表请按换表登记",
                            "Reading below the last one; record a meter swap"),
    "reading_out_of_order": (409, "该月份不晚于已有读数的月份", "A reading for this or a later month already exists"),
    "vehicle_busy": (409, "该车辆此时段已有派车", "This vehicle already has a trip at that time"),
    "vehicle_disposed": (409, "该车辆已处置，不能派车", "This vehicle is disposed of"),
    "vehicle_on_trip": (409, "该车辆有未结束的派车，不能处置", "This vehicle has an unfinished trip"),
    "over_purchase_cap": (409, "超过购置标准（价格或排量）", "Above the purchase cap (price or displacement)"),
    "invalid_transition": (409, "当前状态下不能执行此操作", "Not allowed in the current state"),
    "import_invalid": (400, "导入文件有误，未导入任何数据", "The import file has errors; nothing was imported"),
    "parking_full": (409, "共享停车位已满", "The shared parking spaces are full"),
    # Guest meals (canteen/services/guest_meals.py).
    "ticket_unknown": (404, "无效的招待餐券（无法识别或已被篡改）", "Unknown or forged guest meal ticket"),
    "ticket_used": (409, "此招待餐券已使用", "This guest meal ticket was already used"),
    "ticket_expired": (409, "此招待餐券已过期", "This guest meal ticket has expired"),
    "ticket_wrong_day": (409, "此招待餐券不是今天的", "This guest meal ticket is for another day"),
    "ticket_wrong_meal": (409, "此招待餐券不是本餐次的", "This guest meal ticket is for another meal"),
    "ticket_not_approved": (409, "此招待用餐申请未获批准或已撤销", "This guest meal request is not approved"),
    "guest_request_invalid": (400, "接待用餐申请有误", "Invalid guest meal request"),
    "guest_self_approval": (409, "不能审批自己提交的接待用餐申请", "You cannot decide your own guest meal request"),
    # Sign-in and hostile input (canteen/services/signin.py, canteen/request_guard.py).
    "account_locked": (401, "登录失败次数过多，账户已锁定，请稍后再试",
                       "Too many failed sign-ins: the account is locked for a while"),
    "too_many_attempts": (429, "登录失败次数过多，请稍后再试", "Too many failed sign-ins; try again later"),
    "bad_request": (400, "请求中含有不允许的内容（如空字符）", "The request contains characters that are not allowed"),
    "payload_too_large": (413, "请求内容过大或嵌套过深", "The request body is too large or nested too deeply"),
    "number_out_of_range": (400, "数值超出允许范围", "A number is out of range"),
    "spreadsheet_refused": (400, "表格文件过大或结构异常，已拒绝", "The spreadsheet is too large or malformed"),
}


class DomainError(Exception):
    """A refusal by the canteen's rules: nothing was written."""

    def __init__(self, code: str, detail: str | None = None, **data):
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.status, self.message_zh, self.message_en = CODES[code]
        self.detail = detail
        self.data = data
        super().__init__(f"{code}: {self.message_en}" + (f" ({detail})" if detail else ""))

    def message(self, lang: str = "zh") -> str:
        """The message for people, in Chinese (default) or English, with any detail."""
        text = self.message_en if lang.startswith("en") else self.message_zh
        return f"{text}（{self.detail}）" if self.detail and not lang.startswith("en") else (
            f"{text} ({self.detail})" if self.detail else text)
