using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Workstation.Portal.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RecheckClaim : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "RecheckClaimedUntil",
                table: "order_checks",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RecheckClaimedUntil",
                table: "order_checks");
        }
    }
}
