"""Update campaigns before a plenary: personal expiring links, the partner's form (no account), the
coordinator's review of each answer as a change set, follow-up and the network as declared and as agreed.

Layer: core < geography < accounts < vocabularies < partners < network < campaigns < actions < …"""

from maillage.core.exports import lazy_exports

_EXPORTS = {
    "MAX_COMMENT": "answers",
    "PARTNER_ACTOR": "answers",
    "STATES": "answers",
    "PartnerForm": "answers",
    "open_form": "answers",
    "reopen_answer": "answers",
    "save_answer": "answers",
    "Answer": "declarations",
    "CardAnswer": "declarations",
    "Declaration": "declarations",
    "LEVEL_DETAILS": "declarations",
    "LEVEL_PHRASES": "declarations",
    "LinkAnswer": "declarations",
    "as_agreed": "declarations",
    "as_declared": "declarations",
    "level_phrase": "declarations",
    "merge_answers": "declarations",
    "merge_pair": "declarations",
    "Message": "messages",
    "invitation": "messages",
    "links_csv": "messages",
    "personal_url": "messages",
    "send_messages": "messages",
    "smtp_settings": "messages",
    "TARGETS": "opening",
    "IssuedLink": "opening",
    "close_campaign": "opening",
    "council_campaigns": "opening",
    "get_campaign": "opening",
    "open_campaign": "opening",
    "reissue_link": "opening",
    "revoke_link": "opening",
    "running_campaign": "opening",
    "targeted_partners": "opening",
    "CampaignProgress": "progress",
    "campaign_network": "progress",
    "campaign_progress": "progress",
    "latest_progress": "progress",
    "ChangeSet": "review",
    "DECISION_LABELS": "review",
    "answer_changes": "review",
    "decide": "review",
    "decide_all": "review",
    "paris_day": "timing",
    "REFUSAL": "tokens",
    "TOKEN_LIMITER": "tokens",
    "TOKEN_PARAMETER": "tokens",
    "TooManyAttempts": "tokens",
    "TokenRefused": "tokens",
    "RateLimiter": "tokens",
    "token_hash": "tokens",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
