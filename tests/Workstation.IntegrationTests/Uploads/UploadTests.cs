using Microsoft.Extensions.Time.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Workstation.Portal.Outbox;
using Workstation.Portal.Storage;
using Workstation.Portal.Uploads;
using Workstation.Sandbox.Demo;
using Workstation.Sandbox.Platform;

namespace Workstation.IntegrationTests.Uploads;

/// <summary>Approved lab reports from the LIS reach the platform through the shared outbox: exactly once, in order
/// (patient, data, PDF; a revocation last), through errors, latency, a dead instance and a second dispatcher.</summary>
public sealed class UploadTests(UploadFixture fixture) : IClassFixture<UploadFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<List<string>> ApproveManyAsync(int count)
    {
        var patients = DemoWorld.Patients.Where(p => p.Identity.IdType == "01").ToList();
        var numbers = new List<string>();
        for (var i = 0; i < count; i++) numbers.Add(await fixture.ApproveAsync(patients[i % patients.Count].HisId));
        await fixture.WaitForItemsAsync(numbers);
        return numbers;
    }

    /// <summary>Each report once as data and once as PDF, data before PDF, the patient before the data.</summary>
    private void AssertUploadedOnceInOrder(IEnumerable<string> numbers)
    {
        var log = fixture.Sandbox.Platform.Uploads.ToList();
        foreach (var number in numbers)
        {
            var lab = log.FindIndex(e => e.Operation == "lab" && e.Key == number);
            var pdf = log.FindIndex(e => e.Operation == "pdf" && e.Key == number);
            Assert.True(lab >= 0, $"{number}: data not uploaded");
            Assert.True(pdf > lab, $"{number}: PDF missing or before the data");
            Assert.Equal(1, log.Count(e => e.Operation == "lab" && e.Key == number));
            Assert.Equal(1, log.Count(e => e.Operation == "pdf" && e.Key == number));
            var report = fixture.Sandbox.Lis.Reports.Find(number)!;
            var patientKey = $"patient:{report.Header.Patient.IdType}:{report.Header.Patient.IdNumber}";
            Assert.True(log.FindIndex(e => e.Operation == "patient" && e.Key == patientKey) is >= 0 and var p && p < lab, $"{number}: patient not before data");
        }
    }

    [Fact]
    public async Task A_hundred_approved_reports_are_uploaded_exactly_once_patient_data_pdf_in_order_by_two_dispatchers()
    {
        var numbers = await ApproveManyAsync(100);

        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>(), fixture.NewDispatcher()); // two dispatchers, one database

        AssertUploadedOnceInOrder(numbers);
        var rows = await fixture.Service<UploadStatusView>().ListAsync(null, Ct);
        Assert.All(rows.Where(r => numbers.Contains(r.ReportNumber)), r => Assert.Equal(UploadStatuses.Uploaded, r.Status));
    }

    [Fact]
    public async Task With_30_percent_errors_and_2_second_latency_every_report_still_arrives_once_and_in_order()
    {
        var numbers = await ApproveManyAsync(20);
        fixture.Sandbox.Platform.Faults = PlatformFaults.None with { ErrorRate = 0.3, LatencyMs = 2000 };
        try
        {
            await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());
        }
        finally
        {
            fixture.Sandbox.Platform.Faults = PlatformFaults.None;
        }

        AssertUploadedOnceInOrder(numbers);
        await using var db = await fixture.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        var keys = numbers.Select(n => UploadMessages.ReportKey(n)).ToList();
        Assert.True(await db.Outbox.Where(m => keys.Contains(m.OrderingKey!)).SumAsync(m => m.Attempts, Ct) > numbers.Count * 3,
            "no attempt failed: the faults were not applied");
    }

    [Fact]
    public async Task Messages_claimed_by_an_instance_that_died_are_sent_once_by_another_after_the_lease()
    {
        var numbers = await ApproveManyAsync(5);
        await using (var db = await fixture.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            // A portal killed in the middle of a batch: its claims are still on the rows, the lease runs out.
            var keys = numbers.Select(n => UploadMessages.ReportKey(n)).ToList();
            await db.Outbox.Where(m => keys.Contains(m.OrderingKey!) && m.Type == UploadMessages.Patient)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxStates.Sending).SetProperty(m => m.LeaseOwner, "dead-instance")
                    .SetProperty(m => m.LeaseUntil, DateTime.UtcNow.AddMinutes(1)), Ct);
        }
        await fixture.Service<OutboxDispatcher>().RunOnceAsync(Ct);
        Assert.DoesNotContain(fixture.Sandbox.Platform.Uploads, e => numbers.Contains(e.Key)); // leased: nothing of these reports moved

        // A minute later on another instance's clock: the dead instance's lease has run out.
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(1).AddSeconds(1));
        await fixture.DrainAsync(ActivatorUtilities.CreateInstance<OutboxDispatcher>(fixture.Factory.Services, (TimeProvider)later));

        AssertUploadedOnceInOrder(numbers);
    }

    [Fact]
    public async Task A_withdrawal_after_upload_reaches_the_platform_as_a_revocation_and_one_before_sending_cancels_the_upload()
    {
        var uploaded = await fixture.ApproveAsync("P1002");
        var early = await fixture.ApproveAsync("P1003");
        await fixture.WaitForItemsAsync([uploaded, early]);
        await fixture.PostAsync("report-withdrawn", early); // before the dispatcher ran: nothing has left
        await WaitForStageAsync(early, UploadStages.Cancelled);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        await fixture.PostAsync("report-withdrawn", uploaded);
        await WaitForStageAsync(uploaded, UploadStages.Revoking);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        var log = fixture.Sandbox.Platform.Uploads;
        Assert.Contains(log, e => e.Operation == "revoke" && e.Key == uploaded);
        Assert.True(log.ToList().FindIndex(e => e.Operation == "revoke" && e.Key == uploaded) > log.ToList().FindIndex(e => e.Operation == "pdf" && e.Key == uploaded));
        Assert.DoesNotContain(log, e => e.Key == early);
        var rows = await fixture.Service<UploadStatusView>().ListAsync(null, Ct);
        Assert.Equal(UploadStatuses.Revoked, rows.Single(r => r.ReportNumber == uploaded).Status);
        Assert.Equal(UploadStatuses.Cancelled, rows.Single(r => r.ReportNumber == early).Status);
    }

    [Fact]
    public async Task An_invalid_id_number_is_held_with_its_reason_and_never_queued()
    {
        var patient = DemoWorld.FindByHisId("P1004")!;
        var number = await fixture.ApproveAsync("P1004", idNumber: patient.Identity.IdNumber[..17] + (patient.Identity.IdNumber[17] == '0' ? "1" : "0"));

        var item = (await fixture.WaitForItemsAsync([number])).Single();

        Assert.Equal(UploadStages.Held, item.Stage);
        Assert.Contains("校验位错误", item.HoldReason);
        await using var db = await fixture.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct);
        Assert.False(await db.Outbox.AnyAsync(m => m.OrderingKey == UploadMessages.ReportKey(number), Ct));
    }

    [Fact]
    public async Task A_field_the_platform_refuses_is_dead_lettered_at_once_with_its_words_and_the_pdf_is_not_sent()
    {
        var number = await fixture.ApproveAsync("P1005", selfApproved: true);
        await fixture.WaitForItemsAsync([number]);

        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        var row = (await fixture.Service<UploadStatusView>().ListAsync(null, Ct)).Single(r => r.ReportNumber == number);
        Assert.Equal(UploadStatuses.Failed, row.Status);
        Assert.True(row.Failure!.FromPlatform);
        Assert.Contains("[E2104] approverCode: 审核者不能与报告者为同一人", row.Failure.Text);
        Assert.DoesNotContain("The platform", row.Failure.Text); // its words only, no English wrapper
        Assert.Equal(2, row.Attempts); // patient once, data once (refused: not retried); the PDF waits behind it
        Assert.DoesNotContain(fixture.Sandbox.Platform.Uploads, e => e.Key == number);
    }

    [Fact]
    public async Task A_refused_report_amended_in_the_lis_goes_up_as_its_corrected_version()
    {
        var number = await fixture.ApproveAsync("P1003", selfApproved: true);
        await fixture.WaitForItemsAsync([number]);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());
        Assert.Equal(UploadStatuses.Failed, (await fixture.Service<UploadStatusView>().ListAsync(null, Ct)).Single(r => r.ReportNumber == number).Status);

        // The lab has a second reviewer approve it and approves again (same report number, new content).
        var amended = fixture.Sandbox.Lis.Reports.Find(number)! with { };
        var fixedReport = amended with { Header = amended.Header with { Approver = Workstation.Reports.SampleReports.BloodCount().Header.Approver } };
        fixture.Sandbox.Lis.Reports.Put(fixedReport);
        await fixture.PostAsync("report-approved", number);
        await Eventually.UntilAsync(async () => (await fixture.Service<UploadStatusView>().ListAsync(null, Ct)).Single(r => r.ReportNumber == number).Status != UploadStatuses.Failed,
            "the amended report to be taken up again", cancellationToken: Ct);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        var row = (await fixture.Service<UploadStatusView>().ListAsync(null, Ct)).Single(r => r.ReportNumber == number);
        Assert.Equal(UploadStatuses.Uploaded, row.Status);
        Assert.Single(fixture.Sandbox.Platform.Uploads, e => e.Operation == "lab" && e.Key == number);
        Assert.Single(fixture.Sandbox.Platform.Uploads, e => e.Operation == "pdf" && e.Key == number);
    }

    [Fact]
    public async Task An_amendment_cancels_nothing_until_its_new_version_is_saved_with_it()
    {
        var number = await fixture.ApproveAsync("P1003", selfApproved: true);
        await fixture.WaitForItemsAsync([number]);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());
        var lab = fixture.Sandbox.Lis.Reports.Find(number)!;
        var amended = lab with { Header = lab.Header with { Approver = Workstation.Reports.SampleReports.BloodCount().Header.Approver } };

        // The amendment is read into a context that is never saved: the process dies before its SaveChanges.
        await using (var db = await fixture.Service<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(Ct))
        {
            var item = await fixture.Service<UploadIntake>().ReceiveApprovedAsync(db, new Workstation.Portal.Reports.ApprovedReport(amended), "lis", "JYK", Ct);
            Assert.Equal(UploadStages.Queued, item.Stage);
        }

        // Nothing was half-written: the refused version is still what the console shows, not a false "uploaded".
        var row = (await fixture.Service<UploadStatusView>().ListAsync(null, Ct)).Single(r => r.ReportNumber == number);
        Assert.Equal(UploadStatuses.Failed, row.Status);
        Assert.Contains("[E2104]", row.Failure!.Text);
    }

    [Fact]
    public async Task An_exam_report_from_pacs_goes_up_as_patient_exam_data_and_pdf_in_order()
    {
        var number = await fixture.ApproveExamAsync("P1002");
        var item = (await fixture.WaitForItemsAsync([number])).Single();
        Assert.Equal("exam", item.Kind);

        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        var log = fixture.Sandbox.Platform.Uploads.ToList();
        var exam = log.FindIndex(e => e.Operation == "exam" && e.Key == number);
        Assert.True(exam >= 0, "exam data not uploaded");
        Assert.True(log.FindIndex(e => e.Operation == "pdf" && e.Key == number) > exam, "PDF missing or before the data");
        var stored = fixture.Sandbox.Platform.FindReport(number)!;
        Assert.Contains("磨玻璃结节", stored.Impression);
    }

    [Fact]
    public async Task An_approval_first_department_waits_for_lab_staff_then_uploads()
    {
        var number = await fixture.ApproveAsync("P1005", department: "HOLD");
        var item = (await fixture.WaitForItemsAsync([number])).Single();
        Assert.Equal(UploadStages.AwaitingApproval, item.Stage);

        Assert.Equal(1, await fixture.Service<UploadCommands>().ApproveAsync([item.Id], "lab", Ct));
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        AssertUploadedOnceInOrder([number]);
    }

    [Fact]
    public async Task A_new_patient_from_a_his_visit_started_event_is_uploaded_once()
    {
        var patient = DemoWorld.FindByHisId("P1006")!; // never in a lab report here: only the visit can upload them
        var key = $"patient:{patient.Identity.IdType}:{patient.Identity.IdNumber}";

        await fixture.VisitStartedAsync("P1006");
        await WaitForOutboxAsync(m => m.Type == MasterDataSync.Types.Patient && m.OrderingKey == $"patient:{patient.Identity.IdType}:{patient.Identity.IdNumber}");
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());
        await fixture.VisitStartedAsync("P1006"); // the same patient again, unchanged
        await fixture.WaitForFeedAsync();
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        Assert.Single(fixture.Sandbox.Platform.Uploads, e => e.Operation == "patient" && e.Key == key);
    }

    [Fact]
    public async Task Dictionaries_go_up_once_then_only_what_changed_and_everything_on_a_full_resync()
    {
        var sync = fixture.Service<MasterDataSync>();
        var his = fixture.Service<IHisRecordsApi>();
        // The portal compared the dictionaries at start (its audit entry is saved with what it queued; on a busy machine
        // that can be after this test begins); a second pass finds nothing new.
        await Eventually.UntilAsync(async () => (await sync.StatusAsync(Ct)).LastSync is not null, "the dictionary comparison at start",
            cancellationToken: Ct);
        var first = await sync.SyncDictionariesAsync(his, full: false, "test", Ct);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());
        Assert.Equal(0, first.Queued);
        Assert.Equal(first.Departments, fixture.Sandbox.Platform.DictionaryCount("department:"));
        Assert.Equal(first.Staff, fixture.Sandbox.Platform.DictionaryCount("staff:"));
        Assert.Equal(1, fixture.Sandbox.Platform.Uploads.Count(e => e.Key == "department:NK"));

        fixture.Sandbox.His.Records.Put(new Workstation.Sandbox.His.HisDepartment("NK", "心血管内科", null, true));
        var changed = await sync.SyncDictionariesAsync(his, full: false, "test", Ct);
        var full = await sync.SyncDictionariesAsync(his, full: true, "test", Ct);
        await fixture.DrainAsync(fixture.Service<OutboxDispatcher>());

        Assert.Equal(1, changed.Queued);
        Assert.Equal(first.Departments + first.Staff, full.Queued);
        Assert.Equal(3, fixture.Sandbox.Platform.Uploads.Count(e => e.Key == "department:NK"));
    }

    private async Task WaitForOutboxAsync(System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> predicate)
    {
        var factory = fixture.Service<IDbContextFactory<PortalDbContext>>();
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync(Ct);
            return await db.Outbox.AnyAsync(predicate, Ct);
        }, "a message to be queued", cancellationToken: Ct);
    }

    private async Task WaitForStageAsync(string number, string stage)
    {
        var factory = fixture.Service<IDbContextFactory<PortalDbContext>>();
        await Eventually.UntilAsync(async () =>
        {
            await using var db = await factory.CreateDbContextAsync(Ct);
            return await db.Set<UploadItem>().AnyAsync(x => x.ReportNumber == number && x.Stage == stage, Ct);
        }, $"{number} to reach {stage}", cancellationToken: Ct);
    }
}
