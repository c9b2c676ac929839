"""Agreement statistics (kappa, alpha, AC1, PABAK...) and per-code tables with bootstrap CIs."""

from tr_nlp.agreement.characters import (
    CHARACTER_COLUMNS,
    GROUP_UNITIZING_COLUMNS,
    CharacterCounts,
    character_table,
    character_table_by_interview,
    count_characters,
    group_unitizing_table,
)
from tr_nlp.agreement.crossings import (
    CROSSING_COLUMNS,
    NO_CODE,
    code_crossings,
    group_matrices,
    mix_ups,
)
from tr_nlp.agreement.group import GROUP_COLUMNS, group_alpha_table
from tr_nlp.agreement.interviews import INTERVIEW_COLUMNS, interview_table
from tr_nlp.agreement.models import MODEL_DIFFERENCE_COLUMNS, model_difference_table
from tr_nlp.agreement.stats import (
    binary_stats_from_counts,
    cohen_kappa,
    confusion_counts,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pabak,
    percent_agreement,
    percentile_interval,
    prevalence,
    share_interval,
    t_interval,
)
from tr_nlp.agreement.subgroups import SUBGROUP_COLUMNS, subgroup_table
from tr_nlp.agreement.tables import (
    HUMAN_VS_HUMAN,
    MACHINE_VS_HUMAN,
    MACHINE_VS_HUMAN_DOUBLE,
    OVERALL,
    agreement_table,
)

__all__ = [
    "CHARACTER_COLUMNS",
    "CROSSING_COLUMNS",
    "GROUP_COLUMNS",
    "GROUP_UNITIZING_COLUMNS",
    "HUMAN_VS_HUMAN",
    "INTERVIEW_COLUMNS",
    "MACHINE_VS_HUMAN",
    "MACHINE_VS_HUMAN_DOUBLE",
    "MODEL_DIFFERENCE_COLUMNS",
    "NO_CODE",
    "OVERALL",
    "SUBGROUP_COLUMNS",
    "CharacterCounts",
    "agreement_table",
    "binary_stats_from_counts",
    "character_table",
    "character_table_by_interview",
    "code_crossings",
    "cohen_kappa",
    "confusion_counts",
    "count_characters",
    "fleiss_kappa",
    "group_alpha_table",
    "group_matrices",
    "group_unitizing_table",
    "gwet_ac1",
    "interview_table",
    "krippendorff_alpha",
    "mix_ups",
    "model_difference_table",
    "pabak",
    "percent_agreement",
    "percentile_interval",
    "prevalence",
    "share_interval",
    "subgroup_table",
    "t_interval",
]
