using System.Reflection;
using CsvHelper.Configuration.Attributes;
using Microsoft.Data.Analysis;
using TextAttention.IO;

namespace TextAttention.Experiments;

/// <summary>One trained run in a results file (<c>comparison-PROFILE.csv</c>, <c>train --out</c>).</summary>
/// <param name="EpochsRun">Epochs trained before early stopping (or the cap) ended the run.</param>
/// <param name="StoppedEarly">True when validation stopped improving before the cap; false when the run hit the cap.</param>
/// <param name="RowEntropy">For <c>dot-self</c> poolings, <see cref="Attention.AttentionStatistics"/> of the trained model; empty otherwise (also the next three).</param>
/// <param name="Data">
/// The corpus's <see cref="Data.Corpus.Fingerprint"/>: which exact data the run trained and was tested on (empty in
/// files written before fingerprints were recorded).
/// </param>
public sealed record RunRow(
    [property: Name("dataset")] string Dataset,
    [property: Name("pooling")] string Pooling,
    [property: Name("seed")] int Seed,
    [property: Name("best_epoch")] int BestEpoch,
    [property: Name("test_accuracy")] double TestAccuracy,
    [property: Name("test_macro_f1")] double TestMacroF1,
    [property: Name("best_validation_accuracy")] double BestValidationAccuracy,
    [property: Name("evidence_mass")] double? EvidenceMass,
    [property: Name("real_token_share")] double RealTokenShare,
    [property: Name("data"), Optional][param: Name("data"), Optional] string? Data = null,
    [property: Name("learning_rate"), Optional][param: Name("learning_rate"), Optional] double? LearningRate = null,
    [property: Name("epochs_run"), Optional][param: Name("epochs_run"), Optional] int? EpochsRun = null,
    [property: Name("stopped_early"), Optional][param: Name("stopped_early"), Optional] bool? StoppedEarly = null,
    [property: Name("a_row_entropy"), Optional][param: Name("a_row_entropy"), Optional] double? RowEntropy = null,
    [property: Name("a_diagonal_mass"), Optional][param: Name("a_diagonal_mass"), Optional] double? DiagonalMass = null,
    [property: Name("a_column_sum_cv"), Optional][param: Name("a_column_sum_cv"), Optional] double? ColumnSumCv = null,
    [property: Name("a_uniform_share"), Optional][param: Name("a_uniform_share"), Optional] double? UniformShare = null,
    [property: Name("test_file_accuracy"), Optional][param: Name("test_file_accuracy"), Optional] double? TestFileAccuracy = null)
{
    [Ignore]
    public RunScore Score => new(Dataset, Pooling, Seed, TestAccuracy, TestMacroF1);
}

/// <summary>One epoch of one run in a history file (<c>comparison-PROFILE.history.csv</c>): the learning curves.</summary>
public sealed record EpochRow(
    [property: Name("dataset")] string Dataset,
    [property: Name("pooling")] string Pooling,
    [property: Name("seed")] int Seed,
    [property: Name("epoch")] int Epoch,
    [property: Name("train_loss")] double TrainLoss,
    [property: Name("validation_loss")] double ValidationLoss,
    [property: Name("validation_accuracy")] double ValidationAccuracy,
    [property: Name("validation_macro_f1")] double ValidationMacroF1,
    [property: Name("learning_rate"), Optional][param: Name("learning_rate"), Optional] double? LearningRate = null);

/// <summary>
/// Whether each run got each test item right (<c>comparison-PROFILE.items.csv</c>): one string of '1' and '0' per run,
/// in test-split order, for the paired bootstrap over seeds and test items. Runs with the same <see cref="Data"/> were
/// tested on the same items (the same split or fold).
/// </summary>
public sealed record ItemRow(
    [property: Name("dataset")] string Dataset,
    [property: Name("pooling")] string Pooling,
    [property: Name("seed")] int Seed,
    [property: Name("correct")] string Correct,
    [property: Name("data"), Optional][param: Name("data"), Optional] string? Data = null);

/// <summary>
/// The typed results schema: run results as rows, written and read through <see cref="CsvFile"/>, and as
/// Microsoft.Data.Analysis data frames for display. Wall times are left out on purpose: every figure here
/// repeats exactly when a run is repeated, so committed results files change only when results do.
/// </summary>
public static class Results
{
    /// <summary>One row per run.</summary>
    /// <param name="testFileAccuracy">Each run's accuracy on an extra labelled file (<c>train --test-file</c>); null leaves the column empty.</param>
    public static List<RunRow> Runs(IEnumerable<RunResult> runs, Func<RunResult, double?>? testFileAccuracy = null) =>
        runs.Select(r => new RunRow(r.Dataset, r.Pooling, r.Seed, r.History.BestEpoch, r.Test.Accuracy, r.Test.MacroF1,
            r.History.Best.ValidationAccuracy, r.EvidenceMass, r.RealTokenShare, r.Data, r.LearningRate, r.History.Epochs.Count, r.History.StoppedEarly,
            r.Attention?.RowEntropy, r.Attention?.DiagonalMass, r.Attention?.ColumnSumCv, r.Attention?.UniformShare, testFileAccuracy?.Invoke(r))).ToList();

    /// <summary>One row per run and epoch.</summary>
    public static List<EpochRow> Epochs(IEnumerable<RunResult> runs) =>
        runs.SelectMany(r => r.History.Epochs.Select(e => new EpochRow(r.Dataset, r.Pooling, r.Seed, e.Epoch, e.TrainLoss, e.ValidationLoss,
            e.ValidationAccuracy, e.ValidationMacroF1, r.LearningRate))).ToList();

    /// <summary>One row per run with its per-item correctness on test.</summary>
    public static List<ItemRow> Items(IEnumerable<RunResult> runs) =>
        runs.Select(r => new ItemRow(r.Dataset, r.Pooling, r.Seed, r.TestCorrect, r.Data)).ToList();

    /// <summary>The learning-rate search beside a results file: <c>comparison-full.csv</c> → <c>comparison-full.tuning.csv</c>.</summary>
    public static string TuningPath(string runsPath) => Path.ChangeExtension(runsPath, null) + ".tuning.csv";

    /// <summary>The second-best-rate runs beside a results file: <c>comparison-full.csv</c> → <c>comparison-full.second-best.csv</c>.</summary>
    public static string SecondBestPath(string runsPath) => Path.ChangeExtension(runsPath, null) + ".second-best.csv";

    /// <summary>The items file beside a results file: <c>comparison-full.csv</c> → <c>comparison-full.items.csv</c>.</summary>
    public static string ItemsPath(string runsPath) => Path.ChangeExtension(runsPath, null) + ".items.csv";

    /// <summary>The history file beside a results file: <c>comparison-full.csv</c> → <c>comparison-full.history.csv</c>.</summary>
    public static string HistoryPath(string runsPath) => Path.ChangeExtension(runsPath, null) + ".history.csv";

    /// <summary>
    /// Writes the runs to <paramref name="runsPath"/>, their epochs to <see cref="HistoryPath"/> and, when
    /// <paramref name="items"/>, their per-item test correctness to <see cref="ItemsPath"/>, each atomically.
    /// </summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Save(string runsPath, IReadOnlyList<RunResult> runs, bool items = false, Func<RunResult, double?>? testFileAccuracy = null)
    {
        CsvFile.Write(runsPath, Runs(runs, testFileAccuracy));
        CsvFile.Write(HistoryPath(runsPath), Epochs(runs));
        if (items)
        {
            CsvFile.Write(ItemsPath(runsPath), Items(runs));
        }

        return items ? [runsPath, HistoryPath(runsPath), ItemsPath(runsPath)] : [runsPath, HistoryPath(runsPath)];
    }

    /// <summary>
    /// Reads a results file and the files beside it (<see cref="Save"/>, <see cref="StudyResults.Save"/>); a file that is
    /// not there gives an empty list, except the results file itself.
    /// </summary>
    /// <exception cref="DataFormatException">A file is missing (the results file) or malformed; the message names it.</exception>
    public static ResultsFiles Read(string runsPath)
    {
        List<T> Optional<T>(string path) => File.Exists(path) ? CsvFile.Read<T>(path) : [];
        var tuning = TuningPath(runsPath);
        var second = SecondBestPath(runsPath);
        return new ResultsFiles(CsvFile.Read<RunRow>(runsPath), Optional<ItemRow>(ItemsPath(runsPath)), Optional<EpochRow>(HistoryPath(runsPath)),
            Optional<RunRow>(tuning), Optional<EpochRow>(HistoryPath(tuning)), Optional<RunRow>(second), Optional<ItemRow>(ItemsPath(second)));
    }

    /// <summary>
    /// A data frame with one column per property of <typeparamref name="T"/>, named as in the CSV files, for
    /// notebooks to display. Numbers stay numbers; a nullable number's missing values stay missing.
    /// </summary>
    public static DataFrame Frame<T>(IEnumerable<T> rows)
    {
        var list = rows.ToList();
        var columns = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<NameAttribute>() is not null)
            .Select(p => Column(p.GetCustomAttribute<NameAttribute>()!.Names[0], p, list));
        return new DataFrame(columns);
    }

    private static DataFrameColumn Column<T>(string name, PropertyInfo property, List<T> rows)
    {
        IEnumerable<object?> values = rows.Select(r => property.GetValue(r));
        return property.PropertyType switch
        {
            var t when t == typeof(int) => new Int32DataFrameColumn(name, values.Select(v => (int)v!)),
            var t when t == typeof(double) => new DoubleDataFrameColumn(name, values.Select(v => (double)v!)),
            var t when t == typeof(double?) => new DoubleDataFrameColumn(name, values.Select(v => (double?)v)),
            var t when t == typeof(int?) => new Int32DataFrameColumn(name, values.Select(v => (int?)v)),
            var t when t == typeof(bool?) => new BooleanDataFrameColumn(name, values.Select(v => (bool?)v)),
            var t when t == typeof(bool) => new BooleanDataFrameColumn(name, values.Select(v => (bool)v!)),
            _ => new StringDataFrameColumn(name, values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))),
        };
    }
}

/// <summary>A comparison's results files, as <see cref="Results.Read"/> reads them.</summary>
public sealed record ResultsFiles(
    List<RunRow> Runs,
    List<ItemRow> Items,
    List<EpochRow> History,
    List<RunRow> Tuning,
    List<EpochRow> TuningHistory,
    List<RunRow> SecondBest,
    List<ItemRow> SecondBestItems);
