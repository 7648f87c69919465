"""What a diner reads when a tap is refused (拒绝提示): one definition, in Chinese and English, for the server's
answers, the terminal's page and its card reader.

Each refusal code has a short headline (the big red line) and a sentence in plain words that says what happened,
that nothing was charged (未扣款), and what to do next. Amounts are in yuan (:func:`canteen.money.yuan_sign`): a
refusal that carries them (``insufficient_balance`` with ``price`` and ``balance`` in fen) says them; without them
the sentence is the same, less the figures. Pure: no Flask, no gettext catalogue, so the terminal imports it too.
"""
from __future__ import annotations

from dataclasses import dataclass

from canteen.money import yuan_sign


@dataclass(frozen=True)
class Refusal:
    """One refusal's words: headline and sentence in Chinese and English; `*_figures` when amounts are known."""

    headline_zh: str
    headline_en: str
    zh: str
    en: str
    zh_figures: str | None = None
    en_figures: str | None = None

    def headline(self, lang: str = "zh") -> str:
        """The big line."""
        return self.headline_en if _english(lang) else self.headline_zh

    def text(self, lang: str = "zh", data: dict | None = None) -> str:
        """The sentence, with the amounts of `data` (fen) in yuan when the refusal has a form with figures."""
        figures = self.en_figures if _english(lang) else self.zh_figures
        if figures and data:
            try:
                return figures.format(**{k: yuan_sign(v) if isinstance(v, int) else v for k, v in data.items()})
            except (KeyError, ValueError, TypeError):
                pass
        return self.en if _english(lang) else self.zh


def _english(lang: str | None) -> bool:
    return str(lang or "zh").lower().startswith("en")


_R = Refusal
#: Every refusal a diner can meet at a till, by its stable code.
REFUSALS: dict[str, Refusal] = {
    # The server's answers to a tap (canteen.errors.CODES).
    "insufficient_balance": _R(
        "余额不足", "Insufficient balance",
        "余额不足，未扣款，请到收银台充值。", "Not enough money on the card. Nothing was charged. Please top up at the "
        "cashier.",
        "余额不足：本餐 {price}，余额 {balance}，未扣款，请到收银台充值。",
        "Not enough money: this meal is {price}, the balance is {balance}. Nothing was charged. Please top up at "
        "the cashier."),
    "card_lost": _R("此卡已挂失", "Card reported lost",
                    "此卡已挂失，未扣款。如已找回，请到收银台解挂。",
                    "This card is reported lost. Nothing was charged. If you found it, unfreeze it at the cashier."),
    "card_replaced": _R("此卡已停用", "Card replaced",
                        "此卡已补办新卡，旧卡停用，未扣款。请使用新卡。",
                        "This card was replaced by a new one. Nothing was charged. Please use the new card."),
    "card_cancelled": _R("此卡已注销", "Card cancelled",
                         "此卡已注销，未扣款。如有疑问请到收银台咨询。",
                         "This card is cancelled. Nothing was charged. Ask at the cashier if this is a mistake."),
    "person_cancelled": _R("此卡已注销", "Card cancelled",
                           "此账户已清退，未扣款。如有疑问请到收银台咨询。",
                           "This account was closed. Nothing was charged. Ask at the cashier if this is a mistake."),
    "unknown_card": _R("未登记的卡", "Unknown card",
                       "此卡未登记，未扣款。请到收银台办理。",
                       "This card is not registered. Nothing was charged. Please register it at the cashier."),
    "repeated_tap": _R("请勿重复刷卡", "Already charged",
                       "刚才已经扣过款，本次未扣款。请取餐，勿重复刷卡。",
                       "You were charged a moment ago. Nothing was charged for this tap. Please take your meal."),
    "outside_meal_period": _R("不在就餐时间", "Not a meal time",
                              "现在不是就餐时间，未扣款。请在就餐时段内刷卡。",
                              "It is not a meal time now. Nothing was charged. Please tap during a meal."),
    "no_price": _R("不在就餐时间", "No price for you",
                   "本餐没有为您的类别定价，未扣款。请到收银台咨询。",
                   "This meal has no price for your category. Nothing was charged. Please ask at the cashier."),
    "meal_limit_reached": _R("已达就餐上限", "Meal limit reached",
                             "本餐已达就餐次数或金额上限，未扣款。如有疑问请到收银台咨询。",
                             "You reached this meal's limit. Nothing was charged. Ask at the cashier if in doubt."),
    "daily_limit_reached": _R("已达就餐上限", "Daily limit reached",
                              "今日已达消费上限，未扣款。如有疑问请到收银台咨询。",
                              "You reached today's limit. Nothing was charged. Ask at the cashier if in doubt."),
    "not_booked": _R("未报餐", "Not booked",
                     "本餐须提前报餐，您未报餐，未扣款。请到收银台咨询。",
                     "This meal must be booked in advance and you did not book. Nothing was charged. Please ask "
                     "at the cashier."),
    # The terminal's own: no server answer, offline charging.
    "server_unreachable": _R("网络故障", "Network fault",
                             "服务器无应答，无法确认是否扣款。请到收银台核实，勿重复刷卡。",
                             "The server did not answer; we cannot tell whether you were charged. Please check at "
                             "the cashier; do not tap again."),
    "offline_disabled": _R("网络故障", "Network fault",
                           "网络故障，本终端未开启脱机消费，未扣款。请到收银台处理。",
                           "Network fault and this till does not charge offline. Nothing was charged. Please go to "
                           "the cashier."),
    "outbox_damaged": _R("脱机记录损坏", "Offline records damaged",
                         "脱机记录文件损坏，暂停脱机消费，未扣款。请联系管理员。",
                         "The offline records are damaged; offline charging is paused. Nothing was charged. Please "
                         "call the administrator."),
    "no_snapshot": _R("无脱机数据", "No offline data",
                      "没有可用的脱机数据，暂不能脱机消费，未扣款。请到收银台处理。",
                      "No offline data: this till cannot charge offline. Nothing was charged. Please go to the "
                      "cashier."),
    "snapshot_too_old": _R("脱机数据过期", "Offline data too old",
                           "脱机数据已过期，暂不能脱机消费，未扣款。请到收银台处理。",
                           "The offline data is too old to charge offline. Nothing was charged. Please go to the "
                           "cashier."),
    "outbox_full": _R("脱机记录已满", "Offline records full",
                      "脱机记录已满，未扣款。请等待网络恢复或到收银台处理。",
                      "The offline records are full. Nothing was charged. Please wait for the network or go to the "
                      "cashier."),
    "outbox_too_old": _R("脱机记录积压过久", "Offline records too old",
                         "脱机记录积压过久，未扣款。请等待网络恢复或到收银台处理。",
                         "Offline records waited too long. Nothing was charged. Please wait for the network or go "
                         "to the cashier."),
    "offline_charge_limit": _R("超过脱机限额", "Above the offline limit",
                               "超过脱机单笔消费限额，未扣款。请到收银台处理。",
                               "Above the offline limit for one charge. Nothing was charged. Please go to the "
                               "cashier."),
    "offline_card_limit": _R("超过脱机限额", "Above the offline limit",
                             "超过本卡今日脱机消费限额，未扣款。请到收银台处理。",
                             "Above this card's offline limit for today. Nothing was charged. Please go to the "
                             "cashier."),
    # The card reader's (cardreader.errors): no usable card number came out of the card.
    "card_removed_mid_read": _R("读卡失败", "Card not read",
                                "卡片移开太快，读卡未完成，未扣款。请重新刷卡。",
                                "The card was taken away too soon. Nothing was charged. Please tap again."),
    "bad_status": _R("读卡失败", "Card not read",
                     "卡片应答异常，未扣款。请重新刷卡，仍不行请到收银台处理。",
                     "The card answered with an error. Nothing was charged. Tap again; if it fails, go to the "
                     "cashier."),
    "bad_response": _R("读卡失败", "Card not read",
                       "卡片应答无法识别，未扣款。请重新刷卡，仍不行请到收银台处理。",
                       "The card's answer could not be read. Nothing was charged. Tap again; if it fails, go to the "
                       "cashier."),
    "bad_uid_length": _R("读卡失败", "Card not read",
                         "卡号长度不对，此卡不能用于就餐，未扣款。请到收银台处理。",
                         "This card's number has the wrong length; it cannot pay for meals. Nothing was charged. "
                         "Please go to the cashier."),
    "random_uid": _R("读卡失败", "Card not read",
                     "此卡每次刷卡卡号都会变化（随机卡号），不能用作饭卡，未扣款。请使用食堂发放的饭卡。",
                     "This card shows a new number at every tap (random UID) and cannot be a meal card. Nothing was "
                     "charged. Please use the canteen's card."),
    "not_card_number": _R("读卡失败", "Card not read",
                          "读到的不是饭卡卡号，未扣款。请重新刷卡。",
                          "What was read is not a meal card number. Nothing was charged. Please tap again."),
    "card_unresponsive": _R("读卡失败", "Card not read",
                            "卡片没有响应，未扣款。请把卡放平后重新刷卡。",
                            "The card did not answer. Nothing was charged. Hold it flat and tap again."),
    "reader_error": _R("读卡失败", "Card not read",
                       "读卡器通讯出错，未扣款。请重新刷卡。",
                       "The card reader had a communication error. Nothing was charged. Please tap again."),
    # Guest meal tickets scanned at the till, charged to the department.
    "ticket_unknown": _R("餐券无效", "Ticket not valid",
                         "无法识别此招待餐券，未记账。请联系接待部门。",
                         "This guest meal ticket cannot be recognised. Nothing was booked. Please contact the host "
                         "department."),
    "ticket_used": _R("餐券已使用", "Ticket used", "此招待餐券已使用过，未记账。",
                      "This guest meal ticket was already used. Nothing was booked."),
    "ticket_expired": _R("餐券已过期", "Ticket expired", "此招待餐券已过期，未记账。",
                         "This guest meal ticket has expired. Nothing was booked."),
    "ticket_wrong_day": _R("餐券日期不符", "Wrong day", "此招待餐券不是今天的，未记账。",
                           "This guest meal ticket is for another day. Nothing was booked."),
    "ticket_wrong_meal": _R("餐券餐次不符", "Wrong meal", "此招待餐券不是本餐次的，未记账。",
                            "This guest meal ticket is for another meal. Nothing was booked."),
    "ticket_not_approved": _R("餐券未获批准", "Not approved", "此招待用餐申请未获批准或已撤销，未记账。",
                              "This guest meal request is not approved or was withdrawn. Nothing was booked."),
}
#: A refusal whose code this side does not know (a newer server): nothing was charged.
UNKNOWN = _R("刷卡失败", "Tap failed", "刷卡未成功，未扣款。请到收银台咨询。",
             "The tap did not go through. Nothing was charged. Please ask at the cashier.")


def refusal(code: str | None) -> Refusal:
    """The words for refusal `code` (those of an unknown refusal if the code is not known here)."""
    return REFUSALS.get(code or "", UNKNOWN)


def text(code: str | None, lang: str = "zh", data: dict | None = None) -> str:
    """The plain-words sentence for `code` in `lang`, with the amounts in `data` (fen) in yuan."""
    return refusal(code).text(lang, data)


def headline(code: str | None, lang: str = "zh") -> str:
    """The headline for `code` in `lang`."""
    return refusal(code).headline(lang)


def mask_name(name: str | None) -> str:
    """A name as a refusal shows it to the queue: 王小明 -> 王*明, 王明 -> 王*, Li Lei -> L*i; "" for none."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
