using TextAttention.Data;

namespace TextAttention.Experiments;

/// <summary>
/// The corpora a set of runs trains on, found by each run's <see cref="RunSpec.Data"/> fingerprint, and each prepared
/// (tokenised, with its vocabulary) once per preparation setting, when a run first needs it.
/// </summary>
public sealed class RunData
{
    private readonly Dictionary<string, Corpus> _byFingerprint = [];
    private readonly Dictionary<(string Data, int MinFrequency, int? MaxVocabulary, int MaxLength), PreparedCorpus> _prepared = [];

    /// <exception cref="ArgumentException">A corpus has no fingerprint, or two different corpora share one.</exception>
    public RunData(IEnumerable<Corpus> corpora)
    {
        foreach (var corpus in corpora)
        {
            if (string.IsNullOrEmpty(corpus.Fingerprint))
            {
                throw new ArgumentException($"{corpus.Name} has no fingerprint, so runs cannot name it; load it with Corpora.Load.", nameof(corpora));
            }

            if (_byFingerprint.TryGetValue(corpus.Fingerprint, out var other) && !ReferenceEquals(other, corpus) && other.Name != corpus.Name)
            {
                throw new ArgumentException($"{corpus.Name} and {other.Name} share the fingerprint {corpus.Fingerprint}.", nameof(corpora));
            }

            _byFingerprint[corpus.Fingerprint] = corpus;
        }
    }

    /// <summary>Every corpus, once.</summary>
    public IReadOnlyCollection<Corpus> Corpora => _byFingerprint.Values;

    /// <summary>The corpus a run trains on.</summary>
    /// <exception cref="KeyNotFoundException">No corpus has the run's fingerprint.</exception>
    public Corpus Corpus(RunSpec spec) =>
        _byFingerprint.TryGetValue(spec.Data, out var corpus) && corpus.Name == spec.Corpus
            ? corpus
            : throw new KeyNotFoundException($"{spec} trains on data {spec.Data}, which is not among the corpora given ({string.Join(", ", _byFingerprint.Values.Select(c => $"{c.Name} {c.Fingerprint}"))}).");

    /// <summary>The corpus of a run, prepared with the run's settings (and kept for the next run with the same).</summary>
    public PreparedCorpus Prepared(RunSpec spec)
    {
        var s = spec.Settings;
        var key = (spec.Data, s.MinFrequency, s.MaxVocabulary, s.MaxLength);
        lock (_prepared)
        {
            if (!_prepared.TryGetValue(key, out var prepared))
            {
                _prepared[key] = prepared = Experiment.Prepare(Corpus(spec), s);
            }

            return prepared;
        }
    }
}
