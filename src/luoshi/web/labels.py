"""Chinese words the pages show for codes: roles, kinds, verdicts, comparators, measures."""

from __future__ import annotations

from ..link.verdicts import fmt, settings
from ..services.goals import STATUS_DEF as GOAL_STATUS_DEF
from ..services.goals import STATUS_ZH as GOAL_STATUS_ZH
from ..services.render import COMPARATOR_ZH, VERDICT_ZH

ROLES_ZH = {"admin": "管理员", "supervisor": "督查室", "reporter": "报送单位", "viewer": "查阅"}
ASSIGN_ZH = {"lead": "牵头单位", "responsible": "责任单位"}
FIGURE_ROLE_ZH = {"target": "目标", "actual": "实际", "estimate": "预计", "baseline": "基数",
                  "plan": "计划", "other": "其他"}
MEASURE_ZH = {"growth": "增长", "share": "比重", "pp": "百分点变化", "amount": "总量", "rule": "规则"}
VERDICT_DEF = {
    "met": (f"实际值达到目标：“以上”“超过”须达到目标值，“以内”“低于”须不超过目标值，“左右”可差"
            f"{fmt(settings().rate_pp)}个百分点（总量目标为目标值的{fmt(settings().amount_relative * 100)}%），"
            "区间目标达到下限即可，未加限定的目标视为须达到的承诺。"),
    "missed": "实际值未达到目标，差距超出容差。",
    "no_data": "资料库中尚无该指标当年的实际值。",
    "needs_judgement": "定性目标，没有可自动判定的规则，需人工判断。",
}
STATUS_ZH = {"not_started": "未启动", "in_progress": "推进中", "completed": "已完成"}
AXES_ZH = {"reported": "报送状态", "evidence": "进度判断", "schedule": "时限", "confidence": "督查评价"}
ACTION_ZH = {"create": "创建", "assign": "分配", "unassign": "取消分配", "report": "报送进展",
             "rate": "评价", "revise": "调整", "set_milestones": "设定节点", "disable": "停用",
             "revoke": "吊销", "publish": "公开设置", "follow": "承接", "carry": "随任务承接", "drop": "撤销"}
ENTITY_ZH = {"task": "任务", "assignment": "分工", "progress_update": "进展", "rating": "评价",
             "task_revision": "调整", "department": "单位", "user": "用户", "api_token": "令牌",
             "report_publication": "公开发布", "task_lineage": "版本对照"}
LEVEL_ZH = {"national": "全国", "province": "省级", "city": "市级", "county": "县级", "district": "区级"}
HIT_ZH = {"sentence": "原文", "figure": "数字", "task": "任务"}
KIND_ZH = {"target": "目标", "action": "工作", "project": "项目", "reform": "改革", "policy": "政策",
           "service": "民生服务", "safety": "安全", "ecology": "生态", "opening": "开放"}

__all__ = ["ROLES_ZH", "ASSIGN_ZH", "FIGURE_ROLE_ZH", "MEASURE_ZH", "VERDICT_ZH", "VERDICT_DEF",
           "COMPARATOR_ZH", "GOAL_STATUS_ZH", "GOAL_STATUS_DEF", "STATUS_ZH", "AXES_ZH", "ACTION_ZH", "ENTITY_ZH", "KIND_ZH", "LEVEL_ZH", "HIT_ZH"]
