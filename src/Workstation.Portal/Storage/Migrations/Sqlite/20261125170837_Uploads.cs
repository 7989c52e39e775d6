using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Uploads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "feed_cursors",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Position = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_feed_cursors", x => x.Name);
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

            migrationBuilder.CreateIndex(
                name: "IX_upload_items_ReportNumber",
                table: "upload_items",
                column: "ReportNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_upload_items_Stage_DepartmentCode",
                table: "upload_items",
                columns: new[] { "Stage", "DepartmentCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "feed_cursors");

            migrationBuilder.DropTable(
                name: "upload_items");
        }
    }
}
