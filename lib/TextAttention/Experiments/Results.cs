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

    /// <summary>Writes a data frame as CSV (invariant culture), atomically.</summary>
    public static void SaveCsv(DataFrame frame, string path) =>
        AtomicFile.Write(path, stream => DataFrame.SaveCsv(frame, stream, cultureInfo: CultureInfo.InvariantCulture));
}
