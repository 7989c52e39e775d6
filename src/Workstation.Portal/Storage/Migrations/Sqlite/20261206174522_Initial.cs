using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "blood_use_lockouts",
                columns: table => new
                {
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFailedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_lockouts", x => x.ClientId);
                });

            migrationBuilder.CreateTable(
                name: "blood_use_tokens",
                columns: table => new
                {
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blood_use_tokens", x => x.TokenHash);
                });

            migrationBuilder.CreateTable(
                name: "cds_cards",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ServiceId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    HookInstance = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CheckId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    LineId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContextJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cds_cards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "cds_token_uses",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Issuer = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Jti = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cds_token_uses", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "critical_value_alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SourceRecordId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SpecimenId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Tier = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PatientName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Unit = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReferenceRange = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReportedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReportedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OrderingDoctorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AccountableDoctorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    EscalationLevel = table.Column<int>(type: "INTEGER", nullable: false),
                    NextEscalationAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcknowledgedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReadBack = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    HandledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    HandledBy = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    HandlingNote = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_critical_value_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "doctor_presence",
                columns: table => new
                {
                    InstanceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_doctor_presence", x => new { x.InstanceId, x.DoctorId });
                });

            migrationBuilder.CreateTable(
                name: "feed_cursors",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Position = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_cursors", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist",
                columns: table => new
                {
                    Generation = table.Column<long>(type: "INTEGER", nullable: false),
                    CardNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist", x => new { x.Generation, x.CardNumber });
                });

            migrationBuilder.CreateTable(
                name: "health_card_blacklist_state",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    Generation = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSyncAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFullLoadAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LastErrorAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_blacklist_state", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "health_card_usages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CardNumber = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Scene = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TerminalId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    OperatorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Allowed = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    BlacklistVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_health_card_usages", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "inbound_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbound_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "job_leases",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Owner = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_job_leases", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "launch_nonces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Nonce = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_launch_nonces", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "launch_tickets",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ContextJson = table.Column<string>(type: "TEXT", nullable: false),
                    Next = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ConsumedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_launch_tickets", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "listed_reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Institution = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ReportDate = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ValidUntil = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Recognisable = table.Column<bool>(type: "INTEGER", nullable: false),
                    ListedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Setting = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_listed_reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "order_checks",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DraftOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ContextJson = table.Column<string>(type: "TEXT", nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Setting = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ItemCodes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    WasNotChecked = table.Column<bool>(type: "INTEGER", nullable: false),
                    LinesJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecheckedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RecheckClaimedUntil = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_checks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "outbox",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    OrderingKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    PayloadJson = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "recognition_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DecisionToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    DraftOrderId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    LineId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ReportInstitution = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ReportDate = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Choice = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ReasonCodes = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    FreeText = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DoctorName = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DepartmentName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PatientName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Setting = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    CheckId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    PresentedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RetainStatus = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recognition_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "result_notifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PatientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PatientName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_result_notifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "retained_reports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EncounterId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ReportId = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    DecisionId = table.Column<long>(type: "INTEGER", nullable: false),
                    ItemCode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    InstitutionName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    ReportDate = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DetailJson = table.Column<string>(type: "TEXT", nullable: false),
                    Pdf = table.Column<byte[]>(type: "BLOB", nullable: false),
                    RetainedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_retained_reports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "review_changed_days",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_changed_days", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "review_facts",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Dim = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Link = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_facts", x => new { x.Day, x.Dim, x.Key, x.Measure, x.Link });
                });

            migrationBuilder.CreateTable(
                name: "review_marks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DecisionId = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Reviewer = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MarkedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DoctorId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DoctorName = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_marks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "review_month_facts",
                columns: table => new
                {
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Dim = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Measure = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Link = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_month_facts", x => new { x.Month, x.Dim, x.Key, x.Measure, x.Link });
                });

            migrationBuilder.CreateTable(
                name: "review_periods",
                columns: table => new
                {
                    Grain = table.Column<string>(type: "TEXT", maxLength: 1, nullable: false),
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    OffsetMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_periods", x => new { x.Grain, x.Start });
                });

            migrationBuilder.CreateTable(
                name: "synced_records",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    QueuedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_synced_records", x => new { x.Kind, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "upload_items",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReportNumber = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PatientName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ItemName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    HoldReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ReportJson = table.Column<string>(type: "TEXT", nullable: false),
                    ApprovedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReleasedBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ReleasedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RevokeReason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_upload_items", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DepartmentCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    FailedLogins = table.Column<int>(type: "INTEGER", nullable: false),
                    LockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastLoginAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alert_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_alert_steps_critical_value_alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "critical_value_alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_steps_AlertId",
                table: "alert_steps",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_alert_steps_At",
                table: "alert_steps",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_At",
                table: "audit_events",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_blood_use_tokens_ExpiresAt",
                table: "blood_use_tokens",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_cds_cards_Uuid",
                table: "cds_cards",
                column: "Uuid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_cds_token_uses_ExpiresAt",
                table: "cds_token_uses",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_cds_token_uses_Issuer_Jti",
                table: "cds_token_uses",
                columns: new[] { "Issuer", "Jti" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_critical_value_alerts_AccountableDoctorId",
                table: "critical_value_alerts",
                column: "AccountableDoctorId");

            migrationBuilder.CreateIndex(
                name: "IX_critical_value_alerts_ReportedAt",
                table: "critical_value_alerts",
                column: "ReportedAt");

            migrationBuilder.CreateIndex(
                name: "IX_critical_value_alerts_Status_NextEscalationAt",
                table: "critical_value_alerts",
                columns: new[] { "Status", "NextEscalationAt" });

            migrationBuilder.CreateIndex(
                name: "IX_doctor_presence_DoctorId_ExpiresAt",
                table: "doctor_presence",
                columns: new[] { "DoctorId", "ExpiresAt" });

            migrationBuilder.CreateIndex(
                name: "IX_health_card_usages_BatchId",
                table: "health_card_usages",
                column: "BatchId");

            migrationBuilder.CreateIndex(
                name: "IX_health_card_usages_UsedAt",
                table: "health_card_usages",
                column: "UsedAt");

            migrationBuilder.CreateIndex(
                name: "IX_inbound_events_Source_EventId",
                table: "inbound_events",
                columns: new[] { "Source", "EventId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_launch_nonces_ClientId_Nonce",
                table: "launch_nonces",
                columns: new[] { "ClientId", "Nonce" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_launch_tickets_ExpiresAt",
                table: "launch_tickets",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_listed_reports_ClientId_EncounterId_ReportId",
                table: "listed_reports",
                columns: new[] { "ClientId", "EncounterId", "ReportId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_listed_reports_DepartmentCode_ListedAt",
                table: "listed_reports",
                columns: new[] { "DepartmentCode", "ListedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_listed_reports_DoctorId_ListedAt",
                table: "listed_reports",
                columns: new[] { "DoctorId", "ListedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_listed_reports_ListedAt",
                table: "listed_reports",
                column: "ListedAt");

            migrationBuilder.CreateIndex(
                name: "IX_listed_reports_PatientId_ReportId_ListedAt",
                table: "listed_reports",
                columns: new[] { "PatientId", "ReportId", "ListedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_ClientId_EncounterId_DraftOrderId",
                table: "order_checks",
                columns: new[] { "ClientId", "EncounterId", "DraftOrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_CreatedAt",
                table: "order_checks",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_DepartmentCode_CreatedAt",
                table: "order_checks",
                columns: new[] { "DepartmentCode", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_RecheckedAt",
                table: "order_checks",
                column: "RecheckedAt");

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_Status_CreatedAt",
                table: "order_checks",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_WasNotChecked_CreatedAt",
                table: "order_checks",
                columns: new[] { "WasNotChecked", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_OrderingKey_Sequence",
                table: "outbox",
                columns: new[] { "OrderingKey", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_outbox_State_Sequence",
                table: "outbox",
                columns: new[] { "State", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_ClientId_EncounterId_ItemCode_ReportId",
                table: "recognition_decisions",
                columns: new[] { "ClientId", "EncounterId", "ItemCode", "ReportId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DecidedAt",
                table: "recognition_decisions",
                column: "DecidedAt");

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DecisionToken",
                table: "recognition_decisions",
                column: "DecisionToken",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DepartmentCode_DecidedAt",
                table: "recognition_decisions",
                columns: new[] { "DepartmentCode", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DoctorId_DecidedAt",
                table: "recognition_decisions",
                columns: new[] { "DoctorId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_PatientId_ReportId_DecidedAt",
                table: "recognition_decisions",
                columns: new[] { "PatientId", "ReportId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_result_notifications_DoctorId_ReadAt",
                table: "result_notifications",
                columns: new[] { "DoctorId", "ReadAt" });

            migrationBuilder.CreateIndex(
                name: "IX_retained_reports_ClientId_EncounterId_ReportId",
                table: "retained_reports",
                columns: new[] { "ClientId", "EncounterId", "ReportId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_review_changed_days_Day",
                table: "review_changed_days",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_review_marks_DecisionId",
                table: "review_marks",
                column: "DecisionId");

            migrationBuilder.CreateIndex(
                name: "IX_review_marks_DepartmentCode_DoctorId",
                table: "review_marks",
                columns: new[] { "DepartmentCode", "DoctorId" });

            migrationBuilder.CreateIndex(
                name: "IX_upload_items_ReportNumber",
                table: "upload_items",
                column: "ReportNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_upload_items_Stage_DepartmentCode",
                table: "upload_items",
                columns: new[] { "Stage", "DepartmentCode" });

            migrationBuilder.CreateIndex(
                name: "IX_users_UserName",
                table: "users",
                column: "UserName",
                unique: true);

            migrationBuilder.Sql(Workstation.Portal.Audit.AuditTriggers.CreateSqlite);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Workstation.Portal.Audit.AuditTriggers.DropSqlite);

            migrationBuilder.DropTable(
                name: "alert_steps");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "blood_use_lockouts");

            migrationBuilder.DropTable(
                name: "blood_use_tokens");

            migrationBuilder.DropTable(
                name: "cds_cards");

            migrationBuilder.DropTable(
                name: "cds_token_uses");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "doctor_presence");

            migrationBuilder.DropTable(
                name: "feed_cursors");

            migrationBuilder.DropTable(
                name: "health_card_blacklist");

            migrationBuilder.DropTable(
                name: "health_card_blacklist_state");

            migrationBuilder.DropTable(
                name: "health_card_usages");

            migrationBuilder.DropTable(
                name: "inbound_events");

            migrationBuilder.DropTable(
                name: "job_leases");

            migrationBuilder.DropTable(
                name: "launch_nonces");

            migrationBuilder.DropTable(
                name: "launch_tickets");

            migrationBuilder.DropTable(
                name: "listed_reports");

            migrationBuilder.DropTable(
                name: "order_checks");

            migrationBuilder.DropTable(
                name: "outbox");

            migrationBuilder.DropTable(
                name: "recognition_decisions");

            migrationBuilder.DropTable(
                name: "result_notifications");

            migrationBuilder.DropTable(
                name: "retained_reports");

            migrationBuilder.DropTable(
                name: "review_changed_days");

            migrationBuilder.DropTable(
                name: "review_facts");

            migrationBuilder.DropTable(
                name: "review_marks");

            migrationBuilder.DropTable(
                name: "review_month_facts");

            migrationBuilder.DropTable(
                name: "review_periods");

            migrationBuilder.DropTable(
                name: "synced_records");

            migrationBuilder.DropTable(
                name: "upload_items");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "critical_value_alerts");
        }
    }
}
