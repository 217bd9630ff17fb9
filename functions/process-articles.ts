// Lambda entry point: being written (see functions/README.md for the contract).
export const handler = async (): Promise<void> => {
  throw new Error('not wired yet');
};
