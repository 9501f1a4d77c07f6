/** The story clustering thread's entry: tinypool calls the default export per task. */
import { ClusterState, type ClusterOutcome, type ClusterTask } from './cluster-task.js';

const state = new ClusterState();

export default function clusterInWorker(task: ClusterTask): ClusterOutcome {
  return state.run(task);
}
