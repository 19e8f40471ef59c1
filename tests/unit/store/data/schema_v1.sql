-- Ally data file at schema version 1, as released: DDL of migration step 1 and sample rows.
CREATE TABLE contact (
    id INTEGER PRIMARY KEY,
    given_name TEXT NOT NULL DEFAULT '',
    family_name TEXT NOT NULL DEFAULT '',
    display_name TEXT NOT NULL DEFAULT '',
    nickname TEXT NOT NULL DEFAULT '',
    full_name TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    pronouns TEXT NOT NULL DEFAULT '',
    job_title TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '',
    team TEXT NOT NULL DEFAULT '',
    photo BLOB,
    met_how TEXT NOT NULL DEFAULT '',
    met_on TEXT,
    closeness INTEGER NOT NULL DEFAULT 2 CHECK (closeness BETWEEN 0 AND 3),
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    notes TEXT NOT NULL DEFAULT '',
    ambitions TEXT NOT NULL DEFAULT '',
    archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    trashed_at TEXT
);
-- Covering the default list query (not archived, by name) so it never touches the table.
CREATE INDEX contact_by_sort_name ON contact (sort_name, id, archived) WHERE trashed_at IS NULL;
CREATE INDEX contact_by_organization ON contact (organization COLLATE NOCASE, sort_name)
    WHERE trashed_at IS NULL;
CREATE INDEX contact_by_closeness ON contact (closeness, sort_name) WHERE trashed_at IS NULL;
CREATE INDEX contact_by_updated ON contact (updated_at) WHERE trashed_at IS NULL;
CREATE INDEX contact_trashed ON contact (trashed_at) WHERE trashed_at IS NOT NULL;

CREATE TABLE contact_email (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_email_by_contact ON contact_email (contact_id, position);

CREATE TABLE contact_phone (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_phone_by_contact ON contact_phone (contact_id, position);

CREATE TABLE contact_link (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    value TEXT NOT NULL
);
CREATE INDEX contact_link_by_contact ON contact_link (contact_id, position);

CREATE TABLE contact_address (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    street TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    region TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_address_by_contact ON contact_address (contact_id, position);

CREATE TABLE topic (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE contact_topic (
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topic (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, topic_id)
) WITHOUT ROWID;
CREATE INDEX contact_topic_by_topic ON contact_topic (topic_id, contact_id);

CREATE TABLE tag (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE contact_tag (
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tag (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX contact_tag_by_tag ON contact_tag (tag_id, contact_id);

CREATE TABLE important_date (
    id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('birthday', 'anniversary', 'custom')),
    label TEXT NOT NULL DEFAULT '',
    year INTEGER,
    month INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31)
);
CREATE INDEX important_date_by_contact ON important_date (contact_id);
CREATE INDEX important_date_by_day ON important_date (month, day);

CREATE TABLE connection (
    id INTEGER PRIMARY KEY,
    from_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    to_id INTEGER NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (from_id <> to_id),
    UNIQUE (from_id, to_id, kind, label)
);
CREATE INDEX connection_by_to ON connection (to_id);

INSERT INTO contact (id, given_name, family_name, full_name, sort_name, job_title, organization,
    team, met_how, met_on, closeness, cadence_days, notes, ambitions, created_at, updated_at)
VALUES
    (1, 'Élodie', 'Garnier', 'Élodie Garnier', 'elodie garnier', 'Head of Pricing', 'Northwind Traders',
     'Pricing', 'Team offsite', '2021-06-14', 1, 30, 'Knows every pricing decision since 2015.',
     'Wants to lead the pricing overhaul.', '2024-01-02T09:00:00.000000Z', '2024-01-02T09:00:00.000000Z'),
    (2, 'Tomás', 'O''Brien', 'Tomás O''Brien', 'tomas o''brien', 'Counsel', 'Contoso',
     'Legal', 'Hiring panel', NULL, 2, NULL, 'Best reached on Tuesdays.',
     '', '2024-01-03T10:00:00.000000Z', '2024-01-03T10:00:00.000000Z'),
    (3, 'ليلى', 'حسن', 'ليلى حسن', 'ليلى حسن', 'Analyst', 'Globex',
     'Finance', '', NULL, 0, NULL, '', '', '2024-01-04T11:00:00.000000Z', '2024-01-04T11:00:00.000000Z');
INSERT INTO contact (id, given_name, family_name, full_name, sort_name, organization, closeness,
    archived, created_at, updated_at, trashed_at)
VALUES
    (4, 'Wei', 'Zhang', 'Wei Zhang', 'wei zhang', 'Initech', 3, 1,
     '2024-01-05T12:00:00.000000Z', '2024-01-05T12:00:00.000000Z', NULL),
    (5, 'Priya', 'Sharma', 'Priya Sharma', 'priya sharma', 'Fabrikam', 2, 0,
     '2024-01-06T12:00:00.000000Z', '2024-01-06T12:00:00.000000Z', '2024-02-01T08:00:00.000000Z');
INSERT INTO contact_email (contact_id, position, label, value) VALUES
    (1, 0, 'work', 'elodie.garnier@northwind.example'),
    (1, 1, 'home', 'elodie@mail.example'),
    (2, 0, 'work', 'tomas.obrien@contoso.example'),
    (3, 0, 'work', 'layla.hassan@globex.example');
INSERT INTO contact_phone (contact_id, position, label, value) VALUES
    (1, 0, 'mobile', '+33 6 12 34 56 78'),
    (2, 0, 'work', '+1 555 201 3344');
INSERT INTO contact_link (contact_id, position, label, value) VALUES
    (1, 0, 'LinkedIn', 'https://www.linkedin.com/in/elodie-garnier');
INSERT INTO contact_address (contact_id, position, label, street, city, region, postal_code, country)
VALUES (1, 0, 'work', '12 rue de la Paix', 'Paris', 'Île-de-France', '75002', 'France');
INSERT INTO topic (id, name, key) VALUES
    (1, 'Pricing strategy', 'pricing strategy'),
    (2, 'Kubernetes', 'kubernetes'),
    (3, 'Contract law', 'contract law');
INSERT INTO contact_topic (contact_id, topic_id, position) VALUES
    (1, 1, 0),
    (1, 2, 1),
    (2, 3, 0),
    (3, 1, 0);
INSERT INTO tag (id, name, key) VALUES
    (1, 'Mentor', 'mentor'),
    (2, 'Book club', 'book club');
INSERT INTO contact_tag (contact_id, tag_id, position) VALUES
    (1, 1, 0),
    (2, 2, 0),
    (3, 2, 0);
INSERT INTO important_date (contact_id, kind, label, year, month, day) VALUES
    (1, 'birthday', '', NULL, 2, 29),
    (2, 'anniversary', '', 2019, 9, 1);
INSERT INTO connection (from_id, to_id, kind, label, note, created_at) VALUES
    (3, 1, 'reports_to', '', '', '2024-01-04T11:00:00.000000Z'),
    (2, 1, 'mentor_of', '', 'Weekly coffee', '2024-01-04T11:00:00.000000Z');
PRAGMA user_version=1;
PRAGMA application_id=1097624697;
