"""Every named statement of ``cypher/*.cypher`` that the code runs, as one enum.

The store's plumbing (`graph.runner`) takes a `Stmt`, never a string, so a statement's name is checked
once: mypy checks each use, and ``tests/graph/test_statements.py`` checks the enum against the files
(each member names a statement, each statement is a member, each member is used). Callers outside
``graph/`` ask typed questions of the store and its repositories instead of naming statements.

Not listed: the analysts' library (``cypher/analyst``), run by the name an analyst types
(`graph.analyst`), and the schema (``cypher/schema``), run by `graph.schema`.
"""

from __future__ import annotations

from enum import StrEnum


class Stmt(StrEnum):
    """A statement's name; members are grouped by the file that holds the statement."""

    # api.cypher
    USER_BY_ID = "user_by_id"
    USERS_CONTEXT = "users_context"
    EXPLORE_ROLE_ITEMS = "explore_role_items"
    ITEM_ROLES = "item_roles"
    ITEM_TOPIC_ROLES = "item_topic_roles"
    ITEM_TAGS = "item_tags"
    TAG_COVER_MEMBERSHIP = "tag_cover_membership"
    TAG_ALIASES = "tag_aliases"
    TAG_CANONICAL = "tag_canonical"
    TAG_NAMES = "tag_names"
    TAG_COUNT = "tag_count"
    # bench.cypher
    BENCH_SAMPLE_ROLE = "bench_sample_role"
    BENCH_SAMPLE_TOPIC = "bench_sample_topic"
    BENCH_SAMPLE_ITEMS = "bench_sample_items"
    BENCH_SAMPLE_USER = "bench_sample_user"
    BENCH_SAMPLE_RUN = "bench_sample_run"
    BENCH_SAMPLE_EDGE = "bench_sample_edge"
    BENCH_SAMPLE_LOGIC_ITEMS = "bench_sample_logic_items"
    # calibrate.cypher
    SET_U2I_CALIBRATION = "set_u2i_calibration"
    SET_I2U_CALIBRATION = "set_i2u_calibration"
    QUEUE_CANDIDATES = "queue_candidates"
    CANDIDATES_TO_CHECK = "candidates_to_check"
    SET_CANDIDATE_STATUS = "set_candidate_status"
    CHECKED_CANDIDATES = "checked_candidates"
    QUEUE_RECHECKS = "queue_rechecks"
    RECHECKS_TO_CHECK = "rechecks_to_check"
    SET_RECHECK_STATUS = "set_recheck_status"
    COUNT_CANDIDATES = "count_candidates"
    # gate.cypher
    GATE_ITEM_TAG_EDGES = "gate_item_tag_edges"
    QUARANTINE_ITEM_TAGS = "quarantine_item_tags"
    QUARANTINE_TAGS = "quarantine_tags"
    MARK_REASKED = "mark_reasked"
    COUNT_QUARANTINED = "count_quarantined"
    # handbook.cypher
    UPSERT_HANDBOOKS = "upsert_handbooks"
    HANDBOOKS = "handbooks"
    # cover.cypher
    ENSURE_COVER_SET = "ensure_cover_set"
    COVER_LATEST_DAY = "cover_latest_day"
    CLOSE_COVER_MEMBERSHIP = "close_cover_membership"
    OPEN_COVER_MEMBERSHIP = "open_cover_membership"
    CURRENT_COVER = "current_cover"
    COVER_HISTORY = "cover_history"
    UPSERT_COVER_SNAPSHOT = "upsert_cover_snapshot"
    COVER_SNAPSHOTS = "cover_snapshots"
    COVER_SETS = "cover_sets"
    # explain.cypher
    EXPLAIN_DIRECT = "explain_direct"
    EXPLAIN_VIA_TOPIC = "explain_via_topic"
    EXPLAIN_VIA_TOPIC_ROLE = "explain_via_topic_role"
    # export.cypher
    EXPORT_PAGE_ITEMS = "export_page_items"
    EXPORT_PAGE_TAGS = "export_page_tags"
    EXPORT_HAS_USER_TAG = "export_has_user_tag"
    EXPORT_HAS_ITEM_TAG = "export_has_item_tag"
    EXPORT_U2I = "export_u2i"
    EXPORT_I2U = "export_i2u"
    # grow.cypher
    GROW_PLAN_ITEMS = "grow_plan_items"
    GROW_PLAN_ITEMS_POPULAR = "grow_plan_items_popular"
    GROW_PLANNED_ITEMS = "grow_planned_items"
    GROW_COUNT_PLANNABLE = "grow_count_plannable"
    GROW_SET_ITEM_STATUS = "grow_set_item_status"
    GROW_PLAN_U2I = "grow_plan_u2i"
    GROW_PLAN_I2U = "grow_plan_i2u"
    GROW_PLANNED_U2I = "grow_planned_u2i"
    GROW_PLANNED_I2U = "grow_planned_i2u"
    GROW_SET_U2I_STATUS = "grow_set_u2i_status"
    GROW_SET_I2U_STATUS = "grow_set_i2u_status"
    VOCABULARY_PAGE = "vocabulary_page"
    GROW_TAGS_LAST_SEEN = "grow_tags_last_seen"
    RUN_STEP = "run_step"
    UPSERT_RUN_STEP = "upsert_run_step"
    SET_RUN_STEP_STATUS = "set_run_step_status"
    DELETE_RUN_STEPS = "delete_run_steps"
    MARK_ALIAS_EDGES = "mark_alias_edges"
    MARK_ALIAS_LOGIC = "mark_alias_logic"
    RUN_ITEM_TAG_EDGES = "run_item_tag_edges"
    DELETE_STALE_DISTILLED_LOGIC = "delete_stale_distilled_logic"
    DELETE_STALE_DISTILLED_ITEM_TAGS = "delete_stale_distilled_item_tags"
    LLM_ITEM_TAG_PAGE = "llm_item_tag_page"
    UNTAGGED_ITEM_PAGE = "untagged_item_page"
    LLM_LOGIC_PAGE = "llm_logic_page"
    PIN_TAG = "pin_tag"
    UNMERGE_ITEM_EDGES = "unmerge_item_edges"
    TOUCH_TAGS = "touch_tags"
    PENDING_RUN_STEPS = "pending_run_steps"
    UNMERGE_LOGIC_EDGES = "unmerge_logic_edges"
    UNMERGE_USER_ROLES = "unmerge_user_roles"
    # items.cypher
    UPSERT_ITEMS = "upsert_items"
    EXISTING_ITEM_IDS = "existing_item_ids"
    ITEM_BY_ID = "item_by_id"
    PAGE_ITEMS = "page_items"
    # logic.cypher
    UPSERT_U2I = "upsert_u2i"
    UPSERT_I2U = "upsert_i2u"
    FRONTIER_USER_TAGS = "frontier_user_tags"
    FRONTIER_ITEM_TAGS = "frontier_item_tags"
    TAG_OUT_LOGIC = "tag_out_logic"
    TAG_IN_LOGIC = "tag_in_logic"
    EXPLORE_U2I = "explore_u2i"
    EXPLORE_I2U = "explore_i2u"
    # readmodel.cypher
    READ_MODEL_NODE_COUNTS = "read_model_node_counts"
    READ_MODEL_RUNS = "read_model_runs"
    READ_MODEL_U2I = "read_model_u2i"
    READ_MODEL_I2U = "read_model_i2u"
    READ_MODEL_ITEMS = "read_model_items"
    READ_MODEL_USERS = "read_model_users"
    # recsys.cypher
    DELETE_STALE_ROLES = "delete_stale_roles"
    REPLACE_T1_ROLES = "replace_t1_roles"
    COUNT_ROLES = "count_roles"
    # runs.cypher
    UPSERT_RUN = "upsert_run"
    RUN_BY_ID = "run_by_id"
    UPSERT_HAS_ROLE = "upsert_has_role"
    USER_ROLES = "user_roles"
    PAGE_RUNS = "page_runs"
    # stats.cypher
    COUNT_NODES_BY_LABEL = "count_nodes_by_label"
    COUNT_HAS_USER_TAG = "count_has_user_tag"
    COUNT_HAS_ITEM_TAG = "count_has_item_tag"
    COUNT_U2I = "count_u2i"
    COUNT_I2U = "count_i2u"
    COUNT_IN_COVER = "count_in_cover"
    COUNT_ALIAS_OF = "count_alias_of"
    COUNT_INTERACTED = "count_interacted"
    COUNT_HAS_ROLE = "count_has_role"
    PING = "ping"
    CLEAR_BATCH = "clear_batch"
    # tags.cypher
    UPSERT_USER_TAGS = "upsert_user_tags"
    UPSERT_ITEM_TAGS = "upsert_item_tags"
    UPSERT_HAS_USER_TAG = "upsert_has_user_tag"
    UPSERT_HAS_ITEM_TAG = "upsert_has_item_tag"
    REFRESH_TAG_ITEM_COUNTS = "refresh_tag_item_counts"
    TAG_BY_KEY = "tag_by_key"
    PAGE_TAGS = "page_tags"
    ITEM_OUT_EDGES = "item_out_edges"
    TAG_OUT_EDGES = "tag_out_edges"
    UPSERT_ALIASES = "upsert_aliases"
    DELETE_ALIAS = "delete_alias"
    MERGE_COUNTS = "merge_counts"
    # users.cypher
    UPSERT_USERS = "upsert_users"
    PAGE_USERS = "page_users"
    UPSERT_INTERACTIONS = "upsert_interactions"
    USER_OUT_EDGES = "user_out_edges"
    INTERACTIONS_OF_USERS = "interactions_of_users"
