"""Facts of the OCOP programme itself, not of one rubric version (those are in the loaded rubric versions)."""

# The programme began with Decision 490/QĐ-TTg (07/5/2018): no dossier, round or recognition is of an earlier
# year. The one place this year is written; the cycle's and the evaluation's checks and forms read it here.
FIRST_YEAR = 2018
