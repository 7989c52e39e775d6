using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.IntegrationTests.Portal;
using Workstation.Portal.Audit;
using Workstation.Portal.Launch;
using Workstation.Portal.Recognition;
using Workstation.Portal.Storage;

namespace Workstation.IntegrationTests.Doctor;

/// <summary>What the doctor was shown and looked at is recorded behind the answer: each listed report once per
/// encounter (goal 10's denominator), the list shown, a report opened and a PDF downloaded in the append-only audit
/// trail, by doctor, encounter and patient with the ID number masked.</summary>
public sealed class ReportViewAuditTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<PortalDbContext> DbAsync() =>
        await fixture.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);

    [Fact]
    public async Task The_badge_stores_each_listed_report_once_per_encounter_and_every_view_is_audited_with_the_id_masked()
    {
        var request = LaunchTests.Zhang("E-VIEW-1");
        var context = request.ToContext("test-his");
        using var scope = fixture.Factory.Services.CreateScope();
        var recognition = scope.ServiceProvider.GetRequiredService<RecognitionService>();
        var views = scope.ServiceProvider.GetRequiredService<ReportViews>();

        var badge = await recognition.LoadBadgeAsync(context, Ct);
        Assert.NotEmpty(badge.Items);
        await Eventually.UntilAsync(async () => await CountListedAsync("E-VIEW-1") == badge.Items.Count, "the listing to be stored", cancellationToken: Ct);
        await recognition.LoadBadgeAsync(context, Ct);  // the minute's refresh lists the same reports: nothing new
        views.ListViewed(context, badge.Items);
        views.ListViewed(context, badge.Items);         // the same list opened again in the encounter: one entry
        var report = badge.Items.First(i => i.Recognisable);
        await recognition.GetReportAsync(context, report.ReportId, Ct);

        var launches = fixture.Factory.Services.GetRequiredService<LaunchService>();
        var (code, _) = await launches.IssueCodeAsync(context, null, Ct);
        var token = (await launches.RedeemCodeAsync(code, Ct)).Token!;
        var pdf = await fixture.Factory.CreateClient().GetAsync($"/embed/reports/{report.ReportId}/pdf?s={Uri.EscapeDataString(token)}", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);

        var entries = await Eventually.ValueAsync(async () =>
        {
            await using var db = await DbAsync();
            var rows = await db.AuditEvents.AsNoTracking().Where(a => a.Subject == "test-his/E-VIEW-1" && a.Action.StartsWith("recognition.")).ToListAsync(Ct);
            return rows.Count >= 3 ? rows : null;
        }, "the views to be audited", cancellationToken: Ct);

        Assert.Equal([ReportViews.ListShown, ReportViews.PdfDownloaded, ReportViews.ReportOpened], entries.Select(e => e.Action).Order());
        var idNumber = request.IdNumber;
        Assert.All(entries, e =>
        {
            Assert.Equal("D001", e.Actor);
            Assert.Contains("P1001", e.Detail);
            Assert.Contains(idNumber[..6] + new string('*', idNumber.Length - 10) + idNumber[^4..], e.Detail);
            Assert.DoesNotContain(idNumber, e.Detail);
        });
        Assert.Contains(report.ReportId, entries.Single(e => e.Action == ReportViews.ReportOpened).Detail);
        Assert.Equal(badge.Items.Count, await CountListedAsync("E-VIEW-1"));
        await using (var db = await DbAsync())
        {
            var listed = await db.ListedReports.AsNoTracking().Where(l => l.EncounterId == "E-VIEW-1").ToListAsync(Ct);
            Assert.All(listed, l => Assert.Equal((ListingSources.Badge, "P1001", "D001", "NK"), (l.Source, l.PatientId, l.DoctorId, l.DepartmentCode)));
            Assert.Equal(badge.Items.Count(i => i.Recognisable), listed.Count(l => l.Recognisable));
        }

        // The audit trail stays append-only for these entries too.
        await using var edit = await DbAsync();
        var entry = await edit.AuditEvents.SingleAsync(a => a.Id == entries[0].Id, Ct);
        entry.Detail = "nothing to see";
        await Assert.ThrowsAsync<AuditTrailViolationException>(() => edit.SaveChangesAsync(Ct));
        edit.ChangeTracker.Clear();
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            edit.AuditEvents.Where(a => a.Id == entry.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.Detail, "nothing to see"), Ct));
    }

    [Fact]
    public async Task An_order_check_through_the_his_api_stores_the_reports_it_matched_as_listed()
    {
        var api = fixture.Factory.CreateClient();
        api.DefaultRequestHeaders.Add("X-Api-Key", PortalFixture.HisApiKey);

        var response = await api.PostAsJsonAsync("/api/v1/orders/check", new
        {
            context = LaunchTests.Zhang("E-VIEW-2"), draftOrderId = "D-VIEW", stage = "add",
            items = new[] { new { lineId = "1", itemCode = "L001" } },
        }, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.UntilAsync(async () => await CountListedAsync("E-VIEW-2") > 0, "the matched report to be stored as listed", cancellationToken: Ct);
        await using var db = await DbAsync();
        Assert.All(await db.ListedReports.AsNoTracking().Where(l => l.EncounterId == "E-VIEW-2").ToListAsync(Ct),
            l => Assert.Equal((ListingSources.Check, "L001"), (l.Source, l.ItemCode)));
    }

    private async Task<int> CountListedAsync(string encounter)
    {
        await using var db = await DbAsync();
        return await db.ListedReports.CountAsync(l => l.EncounterId == encounter, Ct);
    }
}
