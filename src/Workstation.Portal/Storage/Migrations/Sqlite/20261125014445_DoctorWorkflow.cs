using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DoctorWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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
                    LinesJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecheckedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_checks", x => x.Id);
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
                name: "IX_order_checks_ClientId_EncounterId_DraftOrderId",
                table: "order_checks",
                columns: new[] { "ClientId", "EncounterId", "DraftOrderId" });

            migrationBuilder.CreateIndex(
                name: "IX_order_checks_Status_CreatedAt",
                table: "order_checks",
                columns: new[] { "Status", "CreatedAt" });

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
                name: "IX_retained_reports_ClientId_EncounterId_ReportId",
                table: "retained_reports",
                columns: new[] { "ClientId", "EncounterId", "ReportId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "launch_nonces");

            migrationBuilder.DropTable(
                name: "launch_tickets");

            migrationBuilder.DropTable(
                name: "order_checks");

            migrationBuilder.DropTable(
                name: "recognition_decisions");

            migrationBuilder.DropTable(
                name: "retained_reports");
        }
    }
}
