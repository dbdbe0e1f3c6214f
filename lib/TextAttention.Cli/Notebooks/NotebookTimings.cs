using System.Globalization;
using Microsoft.Data.Analysis;
using TextAttention.Experiments;

namespace TextAttention.Cli.Notebooks;

/// <summary>
/// The wall time of each notebook in one complete <c>reproduce</c> run, kept in
/// <c>notebooks/results/timings-PROFILE.csv</c> so the benchmark harness and the README can quote
/// what the whole suite took (figure 7) without rerunning it.
/// </summary>
public static class NotebookTimings
{
    /// <summary>Writes one row per notebook (name, ok, seconds) and a last row <c>total</c> with the run's whole time, setup included.</summary>
    public static void Save(string path, IReadOnlyList<NotebookRun> runs, TimeSpan total)
    {
        var names = runs.Select(r => Path.GetFileName(r.Notebook)).Append("total").ToList();
        var frame = new DataFrame(
            new StringDataFrameColumn("notebook", names),
            new BooleanDataFrameColumn("ok", runs.Select(r => r.Succeeded).Append(runs.All(r => r.Succeeded))),
            new StringDataFrameColumn("seconds", runs.Select(r => r.Elapsed).Append(total).Select(t => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture))));
        Results.SaveCsv(frame, path);
    }

    /// <summary>The rows of a timings file: notebook (or <c>total</c>), whether it ran cleanly, seconds.</summary>
    /// <exception cref="InvalidDataException">The file is not a timings file; the message names it.</exception>
    public static List<(string Notebook, bool Ok, double Seconds)> Read(string path)
    {
        var frame = Results.LoadCsvAsText(path);
        if (!new[] { "notebook", "ok", "seconds" }.All(c => frame.Columns.Any(col => col.Name == c)))
        {
            throw new InvalidDataException($"{path}: not a timings file (needs the columns notebook, ok, seconds); rerun `reproduce` to write it.");
        }

        return Enumerable.Range(0, (int)frame.Rows.Count).Select(i => (
            Convert.ToString(frame["notebook"][i], CultureInfo.InvariantCulture)!,
            Convert.ToBoolean(frame["ok"][i], CultureInfo.InvariantCulture),
            Convert.ToDouble(frame["seconds"][i], CultureInfo.InvariantCulture))).ToList();
    }
}
