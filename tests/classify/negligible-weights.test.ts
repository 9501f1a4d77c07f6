import { describe, expect, it } from 'vitest';
import { fitTopic } from '../../src/classify/train-model.js';

describe('fitTopic: weights of no account are left out of the model', () => {
  it('a word exactly as common on both sides ends at weight 0 and is not written', () => {
    // Mirror-symmetric set: "neutral" is in one positive and in its mirror negative, so its gradient cancels
    // at every step and its weight stays 0 (the bias too).
    const docs = [
      { features: ['docker', 'neutral'], labels: ['containers'] },
      { features: ['docker', 'podman'], labels: ['containers'] },
      { features: ['mkv', 'neutral'], labels: [] },
      { features: ['mkv', 'tablet'], labels: [] },
      { features: ['podman', 'x'], labels: ['containers'] },
      { features: ['tablet', 'x'], labels: [] },
    ];
    const fit = fitTopic(docs, 'containers', 0.01);
    expect(Object.keys(fit.weights)).toEqual(['docker', 'mkv', 'podman', 'tablet']);
    expect(fit.weights.docker).toBeCloseTo(-fit.weights.mkv!, 3);
    expect(fit.bias).toBe(0);
    for (const w of Object.values(fit.weights)) expect(Math.abs(w)).toBeGreaterThanOrEqual(0.01);
  });
});
