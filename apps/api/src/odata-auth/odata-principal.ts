/** Who reads a feed: the owner of a valid access token. */
export interface ODataPrincipal {
  userId: string;
  tenantId: string;
  username: string;
  tokenId: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    odataPrincipal?: ODataPrincipal;
  }
}
