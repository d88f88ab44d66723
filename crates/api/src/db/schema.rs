//! Table definitions shared by both backends (common SQL type subset only).

diesel::table! {
    /// French regions (INSEE codes).
    regions (code) {
        /// INSEE region code.
        code -> Text,
        /// Official name.
        name -> Text,
    }
}

diesel::table! {
    /// French departments (INSEE codes).
    departments (code) {
        /// INSEE department code.
        code -> Text,
        /// Official name.
        name -> Text,
        /// Region of the department.
        region_code -> Text,
    }
}

diesel::joinable!(departments -> regions (region_code));

diesel::table! {
    /// Managing bodies (organismes gestionnaires), by FINESS EJ.
    organisations (finess) {
        /// FINESS EJ.
        finess -> Text,
        /// Name.
        name -> Text,
        /// `public`, `prive_non_lucratif` or `prive_commercial`.
        legal_status -> Text,
    }
}

diesel::table! {
    /// Structures (ESMS), by FINESS ET.
    structures (finess) {
        /// FINESS ET.
        finess -> Text,
        /// Name.
        name -> Text,
        /// Catalogue category code (aliases resolved).
        category -> Text,
        /// Managing body.
        organisation_finess -> Text,
        /// Department.
        department_code -> Text,
        /// Region of the department (denormalised for scope filters).
        region_code -> Text,
        /// City.
        city -> Text,
        /// Funder competence derived from the category: `ARS`, `CD` or `ARS_CD`.
        competence -> Text,
        /// Opening date `YYYY-MM-DD`.
        opening_date -> Nullable<Text>,
        /// Whether the structure is active.
        active -> Bool,
        /// Optimistic-concurrency version.
        version -> BigInt,
        /// Day the structure left the FINESS file (`YYYY-MM-DD`), when it is closed.
        closed_on -> Nullable<Text>,
    }
}

diesel::table! {
    /// Yearly campaigns.
    campaigns (year) {
        /// Campaign year N.
        year -> Integer,
        /// Catalogue version applied.
        catalogue_version -> Text,
        /// `preparation`, `collecte`, `fiabilisation`, `restitution` or `archivee`.
        phase -> Text,
        /// Planned dates `YYYY-MM-DD`.
        collecte_opens_on -> Nullable<Text>,
        /// End of the collection.
        collecte_closes_on -> Nullable<Text>,
        /// End of the review period.
        fiabilisation_closes_on -> Nullable<Text>,
        /// Publication of the results.
        restitution_opens_on -> Nullable<Text>,
        /// Optimistic-concurrency version.
        version -> BigInt,
        /// Last change.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// One form per structure and campaign, with its cached evaluation summary.
    forms (campaign_year, structure_finess) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Workflow state.
        state -> Text,
        /// Optimistic-concurrency version (the ETag).
        version -> BigInt,
        /// Cached completion rate.
        completion_rate -> Double,
        /// Cached filled count.
        filled -> Integer,
        /// Cached required count.
        required -> Integer,
        /// Cached submission readiness.
        can_submit -> Bool,
        /// Cached number of failing alerts.
        alert_count -> Integer,
        /// Submission time.
        submitted_at -> Nullable<Timestamp>,
        /// Who submitted.
        submitted_by -> Nullable<Text>,
        /// ARS validation time.
        ars_validated_at -> Nullable<Timestamp>,
        /// Who validated for the ARS.
        ars_validated_by -> Nullable<Text>,
        /// CD validation time.
        cd_validated_at -> Nullable<Timestamp>,
        /// Who validated for the CD.
        cd_validated_by -> Nullable<Text>,
        /// Last change.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Raw values of a form, with provenance.
    form_values (campaign_year, structure_finess, item_code) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Catalogue item code.
        item_code -> Text,
        /// The validated value as JSON.
        value_json -> Text,
        /// `saisie` or a prefill source.
        source -> Text,
        /// Import batch that wrote it.
        batch_id -> Nullable<Text>,
        /// Locked against changes by the structure.
        locked -> Bool,
        /// Value pushed by a partner, kept when the structure overrides it.
        prefill_value_json -> Nullable<Text>,
        /// Source of that pushed value.
        prefill_source -> Nullable<Text>,
        /// Why the structure overrode a pushed value.
        override_reason -> Nullable<Text>,
        /// Who wrote it.
        author -> Text,
        /// When.
        updated_at -> Timestamp,
        /// Version of the value.
        version -> BigInt,
    }
}

diesel::table! {
    /// Written justifications of failing alerts.
    justifications (campaign_year, structure_finess, control_key) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Control code or `variation_annuelle.<indicator>`.
        control_key -> Text,
        /// The justification.
        text -> Text,
        /// Who wrote it.
        author -> Text,
        /// When.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// People who log in.
    users (email) {
        /// Login (lower-case email).
        email -> Text,
        /// argon2id PHC string.
        password_hash -> Text,
        /// Name shown.
        display_name -> Text,
        /// `esms`, `og`, `ars`, `cd` or `national`.
        role -> Text,
        /// Scope of an `og` user.
        organisation_finess -> Nullable<Text>,
        /// Scope of an `ars` user.
        region_code -> Nullable<Text>,
        /// Scope of a `cd` user.
        department_code -> Nullable<Text>,
        /// Whether the account may log in.
        active -> Bool,
        /// Creation time.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Structures of an `esms` user.
    user_structures (user_email, structure_finess) {
        /// User.
        user_email -> Text,
        /// Structure.
        structure_finess -> Text,
    }
}

diesel::table! {
    /// Sessions of people: one refresh-token family per login.
    session_families (family_id) {
        /// Random identifier of the family.
        family_id -> Text,
        /// The person.
        user_email -> Text,
        /// Login time (the absolute lifetime counts from it).
        started_at -> Timestamp,
        /// When the family was revoked (logout, reuse, deactivation), if it was.
        revoked_at -> Nullable<Timestamp>,
        /// `logout`, `logout_all`, `reuse`, `deactivated`.
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// Refresh tokens of the session families, by the SHA-256 (hex) of their value.
    refresh_tokens (token_hash) {
        /// SHA-256 of the token, hex.
        token_hash -> Text,
        /// Family.
        family_id -> Text,
        /// Issue time (the idle timeout counts from it).
        issued_at -> Timestamp,
        /// When it was spent by a refresh (rotated), if it was.
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Partner systems (client credentials).
    api_clients (client_id) {
        /// Client identifier.
        client_id -> Text,
        /// argon2id PHC string of the secret.
        secret_hash -> Text,
        /// Name shown.
        name -> Text,
        /// Space-separated scopes (`read`, `prefill:write`).
        scopes -> Text,
        /// Prefill source bound to the client.
        source -> Nullable<Text>,
        /// Whether the client may get tokens.
        active -> Bool,
        /// Creation time.
        created_at -> Timestamp,
        /// argon2id PHC string of the previous secret, during the rotation grace.
        previous_secret_hash -> Nullable<Text>,
        /// Until when the previous secret works.
        previous_secret_expires_at -> Nullable<Timestamp>,
        /// Last token issued to the client.
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// One-time links (invitation, password reset) by the SHA-256 (hex) of their token.
    one_time_links (token_hash) {
        /// SHA-256 of the token, hex.
        token_hash -> Text,
        /// The account whose password the link sets.
        user_email -> Text,
        /// `invitation` or `reset`.
        purpose -> Text,
        /// Creation time.
        created_at -> Timestamp,
        /// Expiry.
        expires_at -> Timestamp,
        /// When it was used, if it was.
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Mails to send (transactional outbox), claimed by lease.
    mail_outbox (id) {
        /// Sequence.
        id -> BigInt,
        /// When the mail was queued.
        created_at -> Timestamp,
        /// Address.
        recipient -> Text,
        /// Subject.
        subject -> Text,
        /// Plain-text body.
        text_body -> Text,
        /// HTML body.
        html_body -> Text,
        /// Attempts made.
        attempts -> Integer,
        /// Not before.
        next_attempt_at -> Timestamp,
        /// Worker holding the lease.
        lease_owner -> Nullable<Text>,
        /// End of the lease.
        lease_until -> Nullable<Timestamp>,
        /// When the mail left.
        sent_at -> Nullable<Timestamp>,
        /// Last failure.
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    /// Failed login counters (per account and per IP), shared by every replica.
    login_attempts (attempt_key) {
        /// `account:<email>` or `ip:<address>`.
        attempt_key -> Text,
        /// Failures in the current window.
        failures -> Integer,
        /// Start of the window.
        window_started_at -> Timestamp,
    }
}

diesel::table! {
    /// The event log of the change feed (docs/events.md), written in the transaction of each change.
    events (id) {
        /// Sequence (unique; the feed orders by `(tx, id)`).
        id -> BigInt,
        /// PostgreSQL: id of the writing transaction (`pg_current_xact_id()`); SQLite: 0.
        tx -> BigInt,
        /// Stable type (`form.values_changed`…).
        event_type -> Text,
        /// Campaign concerned.
        campaign_year -> Nullable<Integer>,
        /// Structure concerned (`NULL`: campaign-wide).
        structure_finess -> Nullable<Text>,
        /// Who (email or client id; `system` for automatic changes).
        actor -> Text,
        /// The actor's role (`esms`, `ars`…, `partner`, `system`).
        actor_role -> Text,
        /// When.
        at -> Timestamp,
        /// Payload (JSON object).
        payload -> Text,
    }
}

diesel::table! {
    /// Append-only log of every value change and workflow transition.
    audit_log (id) {
        /// Sequence.
        id -> BigInt,
        /// When.
        at -> Timestamp,
        /// Who (email or client id).
        actor -> Text,
        /// `web`, `api`, `import` or `system`.
        channel -> Text,
        /// What happened.
        action -> Text,
        /// Campaign concerned.
        campaign_year -> Nullable<Integer>,
        /// Structure concerned.
        structure_finess -> Nullable<Text>,
        /// Item concerned.
        item_code -> Nullable<Text>,
        /// Value before (JSON).
        old_value -> Nullable<Text>,
        /// Value after (JSON).
        new_value -> Nullable<Text>,
        /// Free detail (JSON).
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    /// Correction requests of an authority on one item of a form.
    correction_requests (id) {
        /// Identifier.
        id -> BigInt,
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Item to correct.
        item_code -> Text,
        /// `ouverte` or `resolue`.
        status -> Text,
        /// Who asked.
        created_by -> Text,
        /// When.
        created_at -> Timestamp,
        /// When it was resolved.
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Messages of a correction request's thread.
    correction_messages (id) {
        /// Identifier.
        id -> BigInt,
        /// The request.
        request_id -> BigInt,
        /// Who wrote.
        author -> Text,
        /// The message.
        body -> Text,
        /// When.
        at -> Timestamp,
    }
}

diesel::table! {
    /// Import jobs: large imports running in the background, visible from every replica.
    import_jobs (id) {
        /// Job id, also the batch id of the values it writes.
        id -> Text,
        /// Campaign.
        campaign_year -> Integer,
        /// Source of the values (`saisie` or a prefill source).
        source -> Text,
        /// Who started it.
        actor -> Text,
        /// The process running it (`host:bind`).
        owner -> Text,
        /// `queued`, `running`, `done`, `failed` or `interrupted`.
        state -> Text,
        /// Computed without writing.
        dry_run -> Bool,
        /// Only fully valid rows are written.
        partial -> Bool,
        /// Values in the import.
        total -> BigInt,
        /// Values processed (committed, or checked for a dry run).
        processed -> BigInt,
        /// HTTP status of the result (200 or 422) once done.
        result_status -> Nullable<Integer>,
        /// The summary (JSON) once done, or the error.
        result -> Nullable<Text>,
        /// When it was created.
        created_at -> Timestamp,
        /// Last sign of life of the process running it.
        heartbeat_at -> Timestamp,
        /// When it ended.
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// FINESS imports running in the background.
    referential_jobs (id) {
        /// Job id.
        id -> Text,
        /// Who started it.
        actor -> Text,
        /// The process running it.
        owner -> Text,
        /// `queued`, `running`, `done`, `failed` or `interrupted`.
        state -> Text,
        /// Computed without writing.
        dry_run -> Bool,
        /// Lines in the file.
        total_lines -> BigInt,
        /// Lines read (written when the job ends).
        processed_lines -> BigInt,
        /// The report (JSON) once done.
        report -> Nullable<Text>,
        /// Why it failed.
        error -> Nullable<Text>,
        /// When it was created.
        created_at -> Timestamp,
        /// When it ended.
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Idempotency keys of the import endpoint: the first answer, replayed for the same body.
    idempotency_keys (caller, idempotency_key) {
        /// Who sent the key (subject of the token).
        caller -> Text,
        /// The `Idempotency-Key` header.
        idempotency_key -> Text,
        /// SHA-256 of the request (method, path, query, content type, body).
        body_hash -> Text,
        /// Status of the first answer (`NULL` while it is being computed).
        status -> Nullable<Integer>,
        /// Body of the first answer (JSON).
        response -> Nullable<Text>,
        /// Job of a `202` answer.
        job_id -> Nullable<Text>,
        /// When the key was first used.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Cache of each form's indicator values for peer statistics, valid while the versions match.
    peer_inputs (campaign_year, structure_finess) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Version of the form the values were computed from.
        form_version -> BigInt,
        /// Version of the structure (its category) they were computed under.
        structure_version -> BigInt,
        /// Completion threshold reached.
        reached -> Bool,
        /// Indicator values in catalogue order, packed little-endian f64 (NaN when not `ok`).
        values_f64 -> Binary,
    }
}

diesel::table! {
    /// Campaigns whose peer statistics are frozen (entered `restitution`).
    benchmark_snapshots (campaign_year) {
        /// Campaign.
        campaign_year -> Integer,
        /// When the figures were frozen.
        frozen_at -> Timestamp,
        /// Structures in the snapshot.
        structures -> Integer,
    }
}

diesel::table! {
    /// Frozen peer inputs of a campaign: every statistic and position is computed from these rows.
    benchmark_snapshot_inputs (campaign_year, structure_finess) {
        /// Campaign.
        campaign_year -> Integer,
        /// Structure.
        structure_finess -> Text,
        /// Category at the time of freezing.
        category -> Text,
        /// Region at the time of freezing.
        region_code -> Text,
        /// Department at the time of freezing.
        department_code -> Text,
        /// Completion threshold reached.
        reached -> Bool,
        /// Indicator values in catalogue order (JSON array, null when not `ok`).
        values_json -> Text,
    }
}

diesel::table! {
    /// Batches of fiches de synthèse (a zip of PDFs) built in the background.
    fiche_batches (id) {
        /// Job id.
        id -> Text,
        /// Campaign.
        campaign_year -> Integer,
        /// `department:<code>` or `region:<code>`.
        territory -> Text,
        /// Who asked for it.
        actor -> Text,
        /// `queued`, `running`, `done` or `failed`.
        state -> Text,
        /// Fiches to produce.
        total -> BigInt,
        /// Fiches produced.
        processed -> BigInt,
        /// Error message when failed.
        error -> Nullable<Text>,
        /// The zip, base64 (the schema keeps to the types both backends share).
        archive_base64 -> Nullable<Text>,
        /// When it was asked for.
        created_at -> Timestamp,
        /// When it ended.
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// CPOM contracts.
    cpom_contracts (id) {
        /// Identifier.
        id -> BigInt,
        /// Managing body (FINESS EJ).
        organisation_finess -> Text,
        /// Title.
        title -> Text,
        /// The ARS signs.
        signatory_ars -> Bool,
        /// The CD signs.
        signatory_cd -> Bool,
        /// Region of the ARS.
        region_code -> Text,
        /// Department of the CD, when it signs.
        department_code -> Nullable<Text>,
        /// Start (ISO date).
        start_date -> Text,
        /// End (ISO date).
        end_date -> Text,
        /// `en_negociation`, `signe`, `en_cours`, `echu` or `resilie`.
        state -> Text,
        /// Signature date.
        signed_on -> Nullable<Text>,
        /// Termination date.
        terminated_on -> Nullable<Text>,
        /// Why it was terminated.
        termination_reason -> Nullable<Text>,
        /// Creator.
        created_by -> Text,
        /// Creation time.
        created_at -> Timestamp,
        /// Optimistic version.
        version -> BigInt,
    }
}

diesel::table! {
    /// Amendments (avenants) of a CPOM.
    cpom_amendments (id) {
        /// Identifier.
        id -> BigInt,
        /// Contract.
        contract_id -> BigInt,
        /// Signature date.
        signed_on -> Text,
        /// Object.
        object -> Text,
        /// Author.
        created_by -> Text,
        /// When recorded.
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Structures covered by a CPOM.
    cpom_perimeter (contract_id, structure_finess) {
        /// Contract.
        contract_id -> BigInt,
        /// Structure.
        structure_finess -> Text,
        /// Joined on (ISO date).
        joined_on -> Text,
        /// Left on (ISO date).
        left_on -> Nullable<Text>,
        /// Amendment that added it.
        amendment_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// Action sheets (fiches actions) of a CPOM.
    cpom_action_sheets (id) {
        /// Identifier.
        id -> BigInt,
        /// Contract.
        contract_id -> BigInt,
        /// Theme of the CPOM model, or `autre`.
        theme -> Text,
        /// Label of an `autre` theme.
        theme_label -> Nullable<Text>,
        /// Title.
        title -> Text,
        /// Actions planned.
        actions -> Nullable<Text>,
        /// Owner.
        owner -> Nullable<Text>,
        /// Deadline (ISO date).
        deadline -> Nullable<Text>,
    }
}

diesel::table! {
    /// Objectives of an action sheet.
    cpom_objectives (id) {
        /// Identifier.
        id -> BigInt,
        /// Contract.
        contract_id -> BigInt,
        /// Action sheet.
        action_sheet_id -> BigInt,
        /// Label.
        label -> Text,
        /// Catalogue indicator followed.
        indicator_code -> Nullable<Text>,
        /// One structure; none = aggregated over the perimeter.
        structure_finess -> Nullable<Text>,
        /// Label of a free indicator (manual values).
        free_indicator_label -> Nullable<Text>,
        /// Baseline campaign.
        baseline_year -> Nullable<Integer>,
        /// Baseline value.
        baseline_value -> Nullable<Double>,
        /// Target value.
        target_value -> Double,
        /// Target year.
        target_year -> Integer,
        /// `higher_better` or `lower_better`.
        sense -> Text,
    }
}

diesel::table! {
    /// Manual values of objectives (free indicators).
    cpom_objective_values (objective_id, year) {
        /// Objective.
        objective_id -> BigInt,
        /// Year.
        year -> Integer,
        /// Value.
        value -> Double,
        /// Comment.
        comment -> Nullable<Text>,
        /// Author.
        author -> Text,
        /// When.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Follow-up committees (comités de suivi) of a CPOM.
    cpom_committees (id) {
        /// Identifier.
        id -> BigInt,
        /// Contract.
        contract_id -> BigInt,
        /// `mi_parcours`, `bilan_final` or `supplementaire`.
        kind -> Text,
        /// Year of the contract (1 to 5).
        contract_year -> Integer,
        /// Planned date (ISO).
        scheduled_on -> Text,
        /// Held on (ISO).
        held_on -> Nullable<Text>,
        /// Minutes.
        minutes -> Nullable<Text>,
        /// Decisions (JSON array of strings).
        decisions -> Nullable<Text>,
        /// Report generated when held (JSON).
        report_json -> Nullable<Text>,
    }
}

diesel::joinable!(refresh_tokens -> session_families (family_id));
diesel::joinable!(session_families -> users (user_email));
diesel::joinable!(structures -> organisations (organisation_finess));
diesel::joinable!(structures -> departments (department_code));
diesel::joinable!(forms -> structures (structure_finess));
diesel::joinable!(forms -> campaigns (campaign_year));
diesel::joinable!(user_structures -> users (user_email));
diesel::joinable!(one_time_links -> users (user_email));
diesel::joinable!(user_structures -> structures (structure_finess));
diesel::joinable!(cpom_perimeter -> cpom_contracts (contract_id));
diesel::joinable!(cpom_objective_values -> cpom_objectives (objective_id));
diesel::table! {
    /// Webhook subscriptions (docs/events.md): each follows the event log from its own cursor.
    webhook_subscriptions (id) {
        /// Sequence.
        id -> BigInt,
        /// Partner client id or national user's e-mail.
        owner -> Text,
        /// `partner` or `national`.
        owner_role -> Text,
        /// Destination.
        url -> Text,
        /// Event types, comma-separated (empty: every type).
        event_types -> Text,
        /// `active` or `disabled`.
        state -> Text,
        /// Why disabled.
        disabled_reason -> Nullable<Text>,
        /// Cursor: transaction of the last event delivered.
        cursor_tx -> BigInt,
        /// Cursor: id of the last event delivered.
        cursor_id -> BigInt,
        /// Failed attempts in a row on the next event.
        failures -> Integer,
        /// Start of the current run of failures.
        failing_since -> Nullable<Timestamp>,
        /// Not before.
        next_attempt_at -> Timestamp,
        /// Dispatcher holding the lease.
        lease_owner -> Nullable<Text>,
        /// End of the lease.
        lease_until -> Nullable<Timestamp>,
        /// Creation.
        created_at -> Timestamp,
        /// Last change.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The signing secrets of the webhook subscriptions (never returned after creation).
    webhook_secrets (subscription_id) {
        /// Subscription.
        subscription_id -> BigInt,
        /// Signing secret (`whsec_…`).
        secret -> Text,
        /// The secret before the last rotation, also used until `previous_secret_until`.
        previous_secret -> Nullable<Text>,
        /// End of the rotation overlap.
        previous_secret_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// The webhook delivery log: one row per attempt.
    webhook_deliveries (id) {
        /// Sequence.
        id -> BigInt,
        /// Subscription.
        subscription_id -> BigInt,
        /// Event delivered.
        event_id -> BigInt,
        /// Attempt number for the event.
        attempt -> Integer,
        /// Start of the attempt.
        at -> Timestamp,
        /// HTTP status answered.
        status_code -> Nullable<Integer>,
        /// Milliseconds to the answer or failure.
        latency_ms -> BigInt,
        /// 2xx answered.
        succeeded -> Bool,
        /// What went wrong.
        error -> Nullable<Text>,
    }
}

diesel::table! {
    /// People who turned off the non-essential mails.
    notification_opt_outs (user_email) {
        /// The person.
        user_email -> Text,
        /// When they chose.
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Collecte reminders queued: once per campaign, structure and reminder.
    reminders_sent (campaign_year, structure_finess, days) {
        /// Campaign year N.
        campaign_year -> Integer,
        /// The structure reminded.
        structure_finess -> Text,
        /// The reminder: days before the collecte closes.
        days -> Integer,
        /// When its mails were queued.
        sent_at -> Timestamp,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_secrets -> webhook_subscriptions (subscription_id));
diesel::joinable!(cpom_perimeter -> structures (structure_finess));
diesel::joinable!(correction_messages -> correction_requests (request_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    structures,
    campaigns,
    forms,
    form_values,
    justifications,
    users,
    user_structures,
    api_clients,
    one_time_links,
    mail_outbox,
    login_attempts,
    session_families,
    refresh_tokens,
    audit_log,
    events,
    webhook_subscriptions,
    webhook_secrets,
    webhook_deliveries,
    notification_opt_outs,
    reminders_sent,
    correction_requests,
    correction_messages,
    regions,
    departments,
    import_jobs,
    referential_jobs,
    idempotency_keys,
    peer_inputs,
    benchmark_snapshots,
    benchmark_snapshot_inputs,
    fiche_batches,
    cpom_contracts,
    cpom_amendments,
    cpom_perimeter,
    cpom_action_sheets,
    cpom_objectives,
    cpom_objective_values,
    cpom_committees,
);
