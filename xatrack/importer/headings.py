"""Headings: part headings (一、), actions ((一)), numbered items (1. / (1) / ①), and the headings
that carry an assignment for every item below them (一、王强县长牵头重点工作 / 一、某局牵头工作(8项)).

Simplified and traditional script alike (縣長牽頭重點工作).
"""

from __future__ import annotations

import re

PART_HEADING = re.compile(r"^([一二三四五六七八九十]+)\s*[、.\uff0e]\s*(\S.*)$")
CN_NUMBERED = re.compile(r"^[(\uff08〔]\s*([零〇一二两三四五六七八九十百]+)\s*[)\uff09〕]\s*(.*)$")
NUMBERED = re.compile(r"^(?:(\d+)\s*(?:[.\uff0e](?!\d)|、)|[(\uff08](\d+)[)\uff09]|([\u2460-\u2473]))\s*(.*)$")

_TITLE = (
    r"(?:常务|常務)?(?:副)?(?:省长|省長|市长|市長|县长|縣長|区长|區長|州长|州長|旗长|旗長|盟长|盟長|"
    r"书记|書記|主任|部长|部長|局长|局長|秘书长|秘書長)"
)
_DUTY = r"(?:主抓|牵头|牽頭|负责|負責|分管|领衔|領銜|主责|主責)"
_NAME = r"[\u4e00-\u9fff]{2,4}?"
# 一、张三市长主抓重点工作 / 一、李四常务副县长牵头: the leader of every item below
_LEADER_BEFORE = re.compile(rf"^(?P<name>{_NAME})\s*(?:同志)?\s*{_TITLE}\s*{_DUTY}")
# 三、区长李华主抓 / 县委常委、常务副县长王强牵头
_LEADER_AFTER = re.compile(rf"^(?:[\u4e00-\u9fff]{{2,8}}、)?{_TITLE}\s*(?P<name>[\u4e00-\u9fff]{{2,3}}?)\s*(?:同志)?\s*{_DUTY}")
# 一、王强同志牵头的工作
_LEADER_COMRADE = re.compile(rf"^(?P<name>[\u4e00-\u9fff]{{2,3}}?)\s*同志\s*{_DUTY}")
# 一、县示范区管委会牵头工作(8项): the lead unit of every item below
_UNIT_HEADING = re.compile(
    r"^(?P<name>[\u4e00-\u9fff()()]{2,30}?(?:局|委|办|辦|会|會|院|中心|公司|政府|部|处|處|站|所|队|隊|馆|館|厅|廳|镇|鎮|乡|鄉|"
    r"街道|办事处|辦事處|集团|集團|银行|銀行|委员会|委員會|管委会|管委會|总工会|團委|团委|妇联|婦聯|法院|检察院|檢察院))"
    rf"{_DUTY}(?:的)?(?:重点|重點)?(?:工作|任务|任務|事项|事項)"
)
COUNT = re.compile(r"[(\uff08]\s*(?:共)?\s*\d+\s*(?:项|項|条|條|个|個)\s*[)\uff09]\s*$")
# 列第一位的为牵头单位 / (除标注"牵头"的单位外,列第一位的为牵头或汇总单位,下同) / (首位单位为牵头单位,下同):
# a convention stated once for the whole document
CONVENTION = re.compile(
    r"[(\uff08]?\s*(?:注\s*[:\uff1a])?[^。;\uff1b()\uff08\uff09]{0,24}?"
    r"(?:(?:列|排|排列|位列)(?:在|于)?(?:第一|首)位的?|首位|第一)(?:单位|單位|部门|部門)?(?:为|為|是|系)牵头(?:或汇总)?(?:单位|單位|部门|部門)"
    r"[^。;\uff1b()\uff08\uff09]{0,12}[。;\uff1b.]?\s*[)\uff09]?"
)
UNIT_NAME = re.compile(
    r"(局|委|办|会|院|中心|公司|政府|部|处|站|所|队|馆|厅|镇|乡|街道|办事处|集团|银行|委员会|管委会|工会|团委|妇联|法院|检察院|各乡镇办场|各乡镇|各县市区|各区县|各县区|各地)$"
)


def heading_assignment(heading: str) -> tuple[list[str], list[str]]:
    """(leaders, lead units) a heading gives the items below it; both empty when it gives none."""
    heading = COUNT.sub("", heading.strip())
    leader = _LEADER_BEFORE.match(heading) or _LEADER_AFTER.match(heading) or _LEADER_COMRADE.match(heading)
    if leader:
        return [leader.group("name")], []
    unit = _UNIT_HEADING.match(heading)
    return [], [unit.group("name")] if unit else []
