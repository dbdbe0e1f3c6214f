using System.Globalization;
using CsvHelper.Configuration.Attributes;
using TextAttention.IO;

namespace TextAttention.Cli.Reproduce;

/// <summary>One notebook's wall time in a timings file (the last row, <c>total</c>, is the whole run's).</summary>
public sealed record TimingRow(
    [property: Name("notebook")] string Notebook,
    [property: Name("ok")] bool Ok,
    [property: Name("seconds")] double Seconds);

/// <summary>
/// The wall time of each notebook in one complete <c>reproduce</c> run, kept in
/// <c>notebooks/results/timings-PROFILE.csv</c> so the benchmark harness and the README can quote
/// what the whole suite took (figure 7) without rerunning it.
/// </summary>
public static class NotebookTimings
{
    /// <summary>Writes one row per notebook and a last row <c>total</c> with the run's whole time, setup included.</summary>
    public static void Save(string path, IReadOnlyList<NotebookRun> runs, TimeSpan total) =>
        CsvFile.Write(path, runs
            .Select(r => new TimingRow(Path.GetFileName(r.Notebook), r.Succeeded, Round(r.Elapsed)))
            .Append(new TimingRow("total", runs.All(r => r.Succeeded), Round(total))));

    /// <summary>The rows of a timings file.</summary>
    /// <exception cref="DataFormatException">The file is not a timings file; the message names it and the line.</exception>
    public static List<TimingRow> Read(string path) => CsvFile.Read<TimingRow>(path);

    private static double Round(TimeSpan time) => Math.Round(time.TotalSeconds, 1);
}
