"""link: figures to canonical indicators, and targets judged against actuals.

Pure functions over the extractor's Figures (or anything with the same fields); the data live
in ``luoshi/data/indicators.json`` (the indicator catalogue and unit table) and
``luoshi/data/verdicts.toml`` (tolerances, qualitative rules)::

    from luoshi import link
    link.annotate(figures)                         # sets figure.canonical ("gdp", "grain_output" …)
    link.judge(target, actual)                     # Verdict(verdict="missed", gap=-0.4, …)
    link.convert(5000, "万吨", "亿斤")              # 1000.0
    link.judge_qualitative("居民人均可支配收入增长与经济增长基本同步", link.index_actuals(actuals))
    chosen, others = link.pick_actual([link.Sourced(fig, "bulletin", "2025-03-01"), …])
"""

from __future__ import annotations

from .actuals import Sourced, pick_actual, sourced
from .catalogue import Indicator, annotate, canonical, catalogue, indicator
from .qualitative import (QualitativeRule, QualitativeTarget, index_actuals, judge_qualitative,
                          qualitative_rules, qualitative_targets)
from .units import convert
from .verdicts import Verdict, judge, settings

__all__ = ["canonical", "annotate", "indicator", "catalogue", "Indicator", "convert", "judge",
           "Verdict", "settings", "judge_qualitative", "qualitative_rules", "qualitative_targets",
           "QualitativeRule", "QualitativeTarget", "index_actuals", "pick_actual", "Sourced",
           "sourced"]
