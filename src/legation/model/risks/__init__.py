"""The risk processes the simulation draws with the alignment (`legation.model.kernel.RiskProcess`).

- `escalation`: MID onset in a patron–target dyad (logit on rivalry, contiguity, arms races and the
  patron's engagement with the target's rivals; COW MIDs, Thompson rivalries, GRH arms races);
- `dependency`: a change of the target's top arms supplier (logit on its SIPRI supplier HHI);
- `opposition`: a formal security tie ending, by the target's regime band (ATOP, V-Dem/Polity);
- `covert` and `misinformation`: documented priors (`priors`).

Each calibrates on a parameter set's training window only and carries its uncertainty as joint
bootstrap draws; each has ``bind(led, hist, pairs, base)``, which `simulation.plan` calls to give it
the plan's pairs (their rivalry, supplier concentration, regime at the base year).
"""

from legation.model.risks.dependency import Dependency
from legation.model.risks.escalation import Escalation
from legation.model.risks.opposition import Opposition
from legation.model.risks.priors import COVERT, MISINFORMATION, Prior

RISKS = (
    Escalation(),
    Dependency(),
    Opposition(),
    Prior("covert", COVERT),
    Prior("misinformation", MISINFORMATION),
)

__all__ = ["RISKS", "Dependency", "Escalation", "Opposition", "Prior"]
