using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Review : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "review_marks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DecisionId = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Comment = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Reviewer = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    MarkedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DepartmentCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DoctorId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DoctorName = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_review_marks", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DepartmentCode_DecidedAt",
                table: "recognition_decisions",
                columns: new[] { "DepartmentCode", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_recognition_decisions_DoctorId_DecidedAt",
                table: "recognition_decisions",
                columns: new[] { "DoctorId", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_CreatedAt",
                table: "order_checks",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_RecheckedAt",
                table: "order_checks",
                column: "RecheckedAt");

            migrationBuilder.CreateIndex(
                name: "IX_review_marks_DecisionId",
                table: "review_marks",
                column: "DecisionId");

            migrationBuilder.CreateIndex(
                name: "IX_review_marks_DepartmentCode_DoctorId",
                table: "review_marks",
                columns: new[] { "DepartmentCode", "DoctorId" });

            // The audit trail is append-only, also for bulk statements that bypass SaveChanges.
            migrationBuilder.Sql("CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$;");
            migrationBuilder.Sql("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_events_append_only();");

            migrationBuilder.DropTable(
                name: "review_marks");

            migrationBuilder.DropIndex(
                name: "IX_recognition_decisions_DepartmentCode_DecidedAt",
                table: "recognition_decisions");

            migrationBuilder.DropIndex(
                name: "IX_recognition_decisions_DoctorId_DecidedAt",
                table: "recognition_decisions");

            migrationBuilder.DropIndex(
                name: "IX_order_checks_CreatedAt",
                table: "order_checks");

            migrationBuilder.DropIndex(
                name: "IX_order_checks_RecheckedAt",
                table: "order_checks");
        }
    }
}
