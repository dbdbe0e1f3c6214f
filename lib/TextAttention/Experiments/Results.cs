using System.Globalization;
using Microsoft.Data.Analysis;
using TextAttention.IO;

namespace TextAttention.Experiments;

/// <summary>
/// Run results as Microsoft.Data.Analysis data frames, and their CSV files. Wall times are left out
/// on purpose: every figure here repeats exactly when a run is repeated, so committed results files
/// change only when results do. (The command line and notebooks print times as they go.)
/// </summary>
public static class Results
{
    /// <summary>One row per run: dataset, pooling, seed, best epoch, test accuracy and macro-F1, and more.</summary>
    public static DataFrame Runs(IEnumerable<RunResult> runs)
    {
        var list = runs.ToList();
        return new DataFrame(
            new StringDataFrameColumn("dataset", list.Select(r => r.Dataset)),
            new StringDataFrameColumn("pooling", list.Select(r => r.Pooling)),
            new Int32DataFrameColumn("seed", list.Select(r => r.Seed)),
            new Int32DataFrameColumn("best_epoch", list.Select(r => r.History.BestEpoch)),
            new DoubleDataFrameColumn("test_accuracy", list.Select(r => r.History.Test.Accuracy)),
            new DoubleDataFrameColumn("test_macro_f1", list.Select(r => r.History.Test.MacroF1)),
            new DoubleDataFrameColumn("best_validation_accuracy", list.Select(r => r.History.Epochs[r.History.BestEpoch - 1].ValidationAccuracy)),
            new DoubleDataFrameColumn("evidence_mass", list.Select(r => r.EvidenceMass)),
            new DoubleDataFrameColumn("real_token_share", list.Select(r => r.RealTokenShare)));
    }

    /// <summary>One row per run and epoch: the learning curves.</summary>
    public static DataFrame History(IEnumerable<RunResult> runs)
    {
        var rows = runs.SelectMany(r => r.History.Epochs.Select(e => (r, e))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("dataset", rows.Select(x => x.r.Dataset)),
            new StringDataFrameColumn("pooling", rows.Select(x => x.r.Pooling)),
            new Int32DataFrameColumn("seed", rows.Select(x => x.r.Seed)),
            new Int32DataFrameColumn("epoch", rows.Select(x => x.e.Epoch)),
            new DoubleDataFrameColumn("train_loss", rows.Select(x => x.e.TrainLoss)),
            new DoubleDataFrameColumn("validation_loss", rows.Select(x => x.e.ValidationLoss)),
            new DoubleDataFrameColumn("validation_accuracy", rows.Select(x => x.e.ValidationAccuracy)),
            new DoubleDataFrameColumn("validation_macro_f1", rows.Select(x => x.e.ValidationMacroF1)));
    }

    /// <summary>The learning-curve points of runs: one per run and epoch.</summary>
    public static IEnumerable<EpochPoint> Points(IEnumerable<RunResult> runs) =>
        runs.SelectMany(r => r.History.Epochs.Select(e => new EpochPoint(r.Dataset, r.Pooling, r.Seed, e.Epoch, e.ValidationAccuracy)));

    /// <summary>Reads the learning-curve points back from a history CSV written by <see cref="History"/> and <see cref="SaveCsv"/>.</summary>
    /// <exception cref="InvalidDataException">The file lacks a column this needs; the message names the file.</exception>
    public static List<EpochPoint> ReadHistory(string csv)
    {
        var frame = LoadCsvAsText(csv);
        string[] required = ["dataset", "pooling", "seed", "epoch", "validation_accuracy"];
        var missing = required.Where(c => !frame.Columns.Any(col => col.Name == c)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidDataException($"{csv}: no column {string.Join(", ", missing)}; is this a history file written by notebook 05?");
        }

        return Enumerable.Range(0, (int)frame.Rows.Count).Select(i => new EpochPoint(
            Convert.ToString(frame["dataset"][i], CultureInfo.InvariantCulture)!,
            Convert.ToString(frame["pooling"][i], CultureInfo.InvariantCulture)!,
            Convert.ToInt32(frame["seed"][i], CultureInfo.InvariantCulture),
            Convert.ToInt32(frame["epoch"][i], CultureInfo.InvariantCulture),
            Convert.ToDouble(frame["validation_accuracy"][i], CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>
    /// Loads a CSV with every column as text, so that numbers are parsed by the caller exactly
    /// (DataFrame's type guessing would read 0.3 as a float and hand back 0.30000001).
    /// </summary>
    public static DataFrame LoadCsvAsText(string csv)
    {
        var header = File.ReadLines(csv).FirstOrDefault() ?? throw new InvalidDataException($"{csv}: the file is empty.");
        var columns = header.Split(',').Length;
        return DataFrame.LoadCsv(csv, dataTypes: Enumerable.Repeat(typeof(string), columns).ToArray(), cultureInfo: CultureInfo.InvariantCulture);
    }

    /// <summary>Writes a data frame as CSV (invariant culture), atomically.</summary>
    public static void SaveCsv(DataFrame frame, string path) =>
        AtomicFile.Write(path, stream => DataFrame.SaveCsv(frame, stream, cultureInfo: CultureInfo.InvariantCulture));
}

/// <summary>One point of a learning curve: a run's validation accuracy after an epoch.</summary>
public sealed record EpochPoint(string Dataset, string Pooling, int Seed, int Epoch, double ValidationAccuracy);
