export interface Config {
  /** The demo portal's own settings; absent in production. */
  stagecraftDemo?: {
    /** The demo GitOps repository, made on first start. */
    gitops?: {
      /** The files it starts from (examples/gitops). */
      source: string;
      /** Where the git repository is made (git-ignored). */
      target: string;
    };
  };
}
