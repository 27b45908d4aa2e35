// The root installs each framework major twice under npm aliases; they share the types of
// the current major (@types/express 5, @types/koa 3), which cover what the drivers use.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'express5' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
declare module 'koa3' {
  import Koa from 'koa';
  export default Koa;
}
