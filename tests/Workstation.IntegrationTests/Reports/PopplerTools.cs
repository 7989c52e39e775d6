using System.Diagnostics;

namespace Workstation.IntegrationTests.Reports;

/// <summary>Debian poppler-utils (pdftotext, pdftoppm, pdfinfo): what another hospital's viewer sees in our PDFs.
/// Missing tools fail the test with what to install; they never skip it.</summary>
internal static class PopplerTools
{
    /// <summary>Where generated reports and their PNG renderings are kept (looked at by people, kept by CI).</summary>
    public static string ArtifactDirectory { get; } = Directory.CreateDirectory(Path.Combine(
        Workstation.Portal.Hosting.RepositoryLayout.LocateContentRoot(), "artifacts", "reports")).FullName;

    /// <summary>The text of a PDF in reading order, pages separated by form feeds.</summary>
    public static async Task<string> TextAsync(string pdf) => await RunAsync("pdftotext", "-layout", "-enc", "UTF-8", pdf, "-");

    public static async Task<string> InfoAsync(string pdf) => await RunAsync("pdfinfo", pdf);

    /// <summary>Renders every page to <c>prefix-N.png</c> at 80 dpi and returns the files.</summary>
    public static async Task<string[]> RenderPngAsync(string pdf)
    {
        var prefix = Path.Combine(Path.GetDirectoryName(pdf)!, Path.GetFileNameWithoutExtension(pdf));
        foreach (var old in Directory.GetFiles(Path.GetDirectoryName(pdf)!, Path.GetFileName(prefix) + "-*.png")) File.Delete(old);
        await RunAsync("pdftoppm", "-png", "-r", "80", pdf, prefix);
        return Directory.GetFiles(Path.GetDirectoryName(pdf)!, Path.GetFileName(prefix) + "-*.png").Order().ToArray();
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException($"{tool} not found: install the Debian package poppler-utils (./test.sh does, as root).");
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            if (process.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}");
            return await output;
        }
    }
}
