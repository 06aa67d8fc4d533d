// The package ships no types; this is the part of its API Carepoint uses.
declare module 'wink-naive-bayes-text-classifier' {
  export interface NaiveBayesTextClassifier {
    defineConfig(config: { considerOnlyPresence?: boolean; smoothingFactor?: number }): boolean;
    definePrepTasks(tasks: ((input: unknown) => unknown)[]): number;
    learn(input: string[], label: string): boolean;
    consolidate(): boolean;
    /** [label, log2 odds] pairs, best first. */
    computeOdds(input: string[]): [string, number][];
    predict(input: string[]): string;
    /** JSON of [config, samples per label, count of each word per label, words per label, vocabulary]. */
    exportJSON(): string;
  }
  function naiveBayesTextClassifier(): NaiveBayesTextClassifier;
  export default naiveBayesTextClassifier;
}
