"""Writes of the recruitment app, one module per sub-domain (STYLE.md rule 2):

- ``postings``: requisitions, postings, their pipeline stages and the wording check;
- ``applications``: the public application, duplicate detection and merge;
- ``screening``: screening rules (defaults per role) and their evaluation;
- ``pipeline``: stage moves, rejection, withdrawal, candidate e-mails;
- ``interviews``: scheduling with the conflict check, scorecards, reminders;
- ``offers``: offers, negotiation, Labour Contract Law checks, approval, background checks;
- ``hiring``: hire → user account, membership, collector profile, onboarding training;
- ``privacy``: export, deletion on request, anonymisation after the retention period.
"""
