var B=globalThis,j=B.ShadowRoot&&(B.ShadyCSS===void 0||B.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,J=Symbol(),$t=new WeakMap,T=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==J)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(j&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=$t.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&$t.set(e,t))}return t}toString(){return this.cssText}},bt=r=>new T(typeof r=="string"?r:r+"",void 0,J),v=(r,...t)=>{let e=r.length===1?r[0]:t.reduce((s,i,a)=>s+(o=>{if(o._$cssResult$===!0)return o.cssText;if(typeof o=="number")return o;throw Error("Value passed to 'css' function must be a 'css' function result: "+o+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(i)+r[a+1],r[0]);return new T(e,r,J)},gt=(r,t)=>{if(j)r.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),i=B.litNonce;i!==void 0&&s.setAttribute("nonce",i),s.textContent=e.cssText,r.appendChild(s)}},G=j?r=>r:r=>r instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return bt(e)})(r):r;var{is:Dt,defineProperty:Bt,getOwnPropertyDescriptor:jt,getOwnPropertyNames:Wt,getOwnPropertySymbols:zt,getPrototypeOf:It}=Object,W=globalThis,yt=W.trustedTypes,Vt=yt?yt.emptyScript:"",Kt=W.reactiveElementPolyfillSupport,P=(r,t)=>r,Q={toAttribute(r,t){switch(t){case Boolean:r=r?Vt:null;break;case Object:case Array:r=r==null?r:JSON.stringify(r)}return r},fromAttribute(r,t){let e=r;switch(t){case Boolean:e=r!==null;break;case Number:e=r===null?null:Number(r);break;case Object:case Array:try{e=JSON.parse(r)}catch{e=null}}return e}},xt=(r,t)=>!Dt(r,t),wt={attribute:!0,type:String,converter:Q,reflect:!1,useDefault:!1,hasChanged:xt};Symbol.metadata??=Symbol("metadata"),W.litPropertyMetadata??=new WeakMap;var b=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=wt){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),i=this.getPropertyDescriptor(t,s,e);i!==void 0&&Bt(this.prototype,t,i)}}static getPropertyDescriptor(t,e,s){let{get:i,set:a}=jt(this.prototype,t)??{get(){return this[e]},set(o){this[e]=o}};return{get:i,set(o){let d=i?.call(this);a?.call(this,o),this.requestUpdate(t,d,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??wt}static _$Ei(){if(this.hasOwnProperty(P("elementProperties")))return;let t=It(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(P("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(P("properties"))){let e=this.properties,s=[...Wt(e),...zt(e)];for(let i of s)this.createProperty(i,e[i])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,i]of e)this.elementProperties.set(s,i)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let i=this._$Eu(e,s);i!==void 0&&this._$Eh.set(i,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let i of s)e.unshift(G(i))}else t!==void 0&&e.push(G(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return gt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),i=this.constructor._$Eu(t,s);if(i!==void 0&&s.reflect===!0){let a=(s.converter?.toAttribute!==void 0?s.converter:Q).toAttribute(e,s.type);this._$Em=t,a==null?this.removeAttribute(i):this.setAttribute(i,a),this._$Em=null}}_$AK(t,e){let s=this.constructor,i=s._$Eh.get(t);if(i!==void 0&&this._$Em!==i){let a=s.getPropertyOptions(i),o=typeof a.converter=="function"?{fromAttribute:a.converter}:a.converter?.fromAttribute!==void 0?a.converter:Q;this._$Em=i;let d=o.fromAttribute(e,a.type);this[i]=d??this._$Ej?.get(i)??d,this._$Em=null}}requestUpdate(t,e,s,i=!1,a){if(t!==void 0){let o=this.constructor;if(i===!1&&(a=this[t]),s??=o.getPropertyOptions(t),!((s.hasChanged??xt)(a,e)||s.useDefault&&s.reflect&&a===this._$Ej?.get(t)&&!this.hasAttribute(o._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:i,wrapped:a},o){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,o??e??this[t]),a!==!0||o!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),i===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[i,a]of this._$Ep)this[i]=a;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[i,a]of s){let{wrapped:o}=a,d=this[i];o!==!0||this._$AL.has(i)||d===void 0||this.C(i,void 0,a,d)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};b.elementStyles=[],b.shadowRootOptions={mode:"open"},b[P("elementProperties")]=new Map,b[P("finalized")]=new Map,Kt?.({ReactiveElement:b}),(W.reactiveElementVersions??=[]).push("2.1.2");var it=globalThis,At=r=>r,z=it.trustedTypes,St=z?z.createPolicy("lit-html",{createHTML:r=>r}):void 0,Tt="$lit$",y=`lit$${Math.random().toFixed(9).slice(2)}$`,Pt="?"+y,Ft=`<${Pt}>`,S=document,M=()=>S.createComment(""),U=r=>r===null||typeof r!="object"&&typeof r!="function",rt=Array.isArray,Jt=r=>rt(r)||typeof r?.[Symbol.iterator]=="function",Z=`[ 	
\f\r]`,N=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Et=/-->/g,kt=/>/g,x=RegExp(`>|${Z}(?:([^\\s"'>=/]+)(${Z}*=${Z}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Ct=/'/g,Rt=/"/g,Nt=/^(?:script|style|textarea|title)$/i,at=r=>(t,...e)=>({_$litType$:r,strings:t,values:e}),n=at(1),ce=at(2),he=at(3),E=Symbol.for("lit-noChange"),m=Symbol.for("lit-nothing"),Ot=new WeakMap,A=S.createTreeWalker(S,129);function Mt(r,t){if(!rt(r)||!r.hasOwnProperty("raw"))throw Error("invalid template strings array");return St!==void 0?St.createHTML(t):t}var Gt=(r,t)=>{let e=r.length-1,s=[],i,a=t===2?"<svg>":t===3?"<math>":"",o=N;for(let d=0;d<e;d++){let l=r[d],u,f,c=-1,$=0;for(;$<l.length&&(o.lastIndex=$,f=o.exec(l),f!==null);)$=o.lastIndex,o===N?f[1]==="!--"?o=Et:f[1]!==void 0?o=kt:f[2]!==void 0?(Nt.test(f[2])&&(i=RegExp("</"+f[2],"g")),o=x):f[3]!==void 0&&(o=x):o===x?f[0]===">"?(o=i??N,c=-1):f[1]===void 0?c=-2:(c=o.lastIndex-f[2].length,u=f[1],o=f[3]===void 0?x:f[3]==='"'?Rt:Ct):o===Rt||o===Ct?o=x:o===Et||o===kt?o=N:(o=x,i=void 0);let g=o===x&&r[d+1].startsWith("/>")?" ":"";a+=o===N?l+Ft:c>=0?(s.push(u),l.slice(0,c)+Tt+l.slice(c)+y+g):l+y+(c===-2?d:g)}return[Mt(r,a+(r[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},q=class r{constructor({strings:t,_$litType$:e},s){let i;this.parts=[];let a=0,o=0,d=t.length-1,l=this.parts,[u,f]=Gt(t,e);if(this.el=r.createElement(u,s),A.currentNode=this.el.content,e===2||e===3){let c=this.el.content.firstChild;c.replaceWith(...c.childNodes)}for(;(i=A.nextNode())!==null&&l.length<d;){if(i.nodeType===1){if(i.hasAttributes())for(let c of i.getAttributeNames())if(c.endsWith(Tt)){let $=f[o++],g=i.getAttribute(c).split(y),D=/([.?@])?(.*)/.exec($);l.push({type:1,index:a,name:D[2],strings:g,ctor:D[1]==="."?Y:D[1]==="?"?tt:D[1]==="@"?et:O}),i.removeAttribute(c)}else c.startsWith(y)&&(l.push({type:6,index:a}),i.removeAttribute(c));if(Nt.test(i.tagName)){let c=i.textContent.split(y),$=c.length-1;if($>0){i.textContent=z?z.emptyScript:"";for(let g=0;g<$;g++)i.append(c[g],M()),A.nextNode(),l.push({type:2,index:++a});i.append(c[$],M())}}}else if(i.nodeType===8)if(i.data===Pt)l.push({type:2,index:a});else{let c=-1;for(;(c=i.data.indexOf(y,c+1))!==-1;)l.push({type:7,index:a}),c+=y.length-1}a++}}static createElement(t,e){let s=S.createElement("template");return s.innerHTML=t,s}};function R(r,t,e=r,s){if(t===E)return t;let i=s!==void 0?e._$Co?.[s]:e._$Cl,a=U(t)?void 0:t._$litDirective$;return i?.constructor!==a&&(i?._$AO?.(!1),a===void 0?i=void 0:(i=new a(r),i._$AT(r,e,s)),s!==void 0?(e._$Co??=[])[s]=i:e._$Cl=i),i!==void 0&&(t=R(r,i._$AS(r,t.values),i,s)),t}var X=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,i=(t?.creationScope??S).importNode(e,!0);A.currentNode=i;let a=A.nextNode(),o=0,d=0,l=s[0];for(;l!==void 0;){if(o===l.index){let u;l.type===2?u=new L(a,a.nextSibling,this,t):l.type===1?u=new l.ctor(a,l.name,l.strings,this,t):l.type===6&&(u=new st(a,this,t)),this._$AV.push(u),l=s[++d]}o!==l?.index&&(a=A.nextNode(),o++)}return A.currentNode=S,i}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},L=class r{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,i){this.type=2,this._$AH=m,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=i,this._$Cv=i?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=R(this,t,e),U(t)?t===m||t==null||t===""?(this._$AH!==m&&this._$AR(),this._$AH=m):t!==this._$AH&&t!==E&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Jt(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==m&&U(this._$AH)?this._$AA.nextSibling.data=t:this.T(S.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,i=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=q.createElement(Mt(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===i)this._$AH.p(e);else{let a=new X(i,this),o=a.u(this.options);a.p(e),this.T(o),this._$AH=a}}_$AC(t){let e=Ot.get(t.strings);return e===void 0&&Ot.set(t.strings,e=new q(t)),e}k(t){rt(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,i=0;for(let a of t)i===e.length?e.push(s=new r(this.O(M()),this.O(M()),this,this.options)):s=e[i],s._$AI(a),i++;i<e.length&&(this._$AR(s&&s._$AB.nextSibling,i),e.length=i)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=At(t).nextSibling;At(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},O=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,i,a){this.type=1,this._$AH=m,this._$AN=void 0,this.element=t,this.name=e,this._$AM=i,this.options=a,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=m}_$AI(t,e=this,s,i){let a=this.strings,o=!1;if(a===void 0)t=R(this,t,e,0),o=!U(t)||t!==this._$AH&&t!==E,o&&(this._$AH=t);else{let d=t,l,u;for(t=a[0],l=0;l<a.length-1;l++)u=R(this,d[s+l],e,l),u===E&&(u=this._$AH[l]),o||=!U(u)||u!==this._$AH[l],u===m?t=m:t!==m&&(t+=(u??"")+a[l+1]),this._$AH[l]=u}o&&!i&&this.j(t)}j(t){t===m?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},Y=class extends O{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===m?void 0:t}},tt=class extends O{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==m)}},et=class extends O{constructor(t,e,s,i,a){super(t,e,s,i,a),this.type=5}_$AI(t,e=this){if((t=R(this,t,e,0)??m)===E)return;let s=this._$AH,i=t===m&&s!==m||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,a=t!==m&&(s===m||i);i&&this.element.removeEventListener(this.name,this,s),a&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},st=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){R(this,t)}};var Qt=it.litHtmlPolyfillSupport;Qt?.(q,L),(it.litHtmlVersions??=[]).push("3.3.3");var Ut=(r,t,e)=>{let s=e?.renderBefore??t,i=s._$litPart$;if(i===void 0){let a=e?.renderBefore??null;s._$litPart$=i=new L(t.insertBefore(M(),a),a,void 0,e??{})}return i._$AI(r),i};var nt=globalThis,h=class extends b{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=Ut(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return E}};h._$litElement$=!0,h.finalized=!0,nt.litElementHydrateSupport?.({LitElement:h});var Zt=nt.litElementPolyfillSupport;Zt?.({LitElement:h});(nt.litElementVersions??=[]).push("4.2.2");async function p(r,t,e={}){try{return await r.callWS({type:t,...e})}catch(s){throw new Error(s?.message||String(s))}}function I(r,t,e,s){return r.connection.subscribeMessage(s,{type:t,...e})}function V(r){history.pushState(null,"",r),window.dispatchEvent(new CustomEvent("location-changed",{detail:{replace:!1}}))}var _=v`
  :host {
    display: block;
    color: var(--primary-text-color, #212121);
    background: var(--primary-background-color, #fafafa);
    font-family: var(--paper-font-body1_-_font-family, Roboto, "Noto Sans", sans-serif);
    font-size: 14px;
    min-height: 100%;
  }
  .card {
    background: var(--ha-card-background, var(--card-background-color, #fff));
    border-radius: var(--ha-card-border-radius, 12px);
    border: var(--ha-card-border-width, 1px) solid var(--ha-card-border-color, var(--divider-color, #e0e0e0));
    box-shadow: var(--ha-card-box-shadow, none);
    margin: 0 0 16px;
    overflow: hidden;
  }
  .card-header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 16px;
    font-size: 16px;
    font-weight: 500;
    border-bottom: 1px solid var(--divider-color, #e0e0e0);
  }
  .card-content { padding: 12px 16px; }
  button {
    font: inherit;
    color: var(--primary-color, #03a9f4);
    background: transparent;
    border: 1px solid var(--primary-color, #03a9f4);
    border-radius: 18px;
    padding: 4px 12px;
    cursor: pointer;
    white-space: nowrap;
  }
  button.primary { background: var(--primary-color, #03a9f4); color: var(--text-primary-color, #fff); }
  button.danger { color: var(--error-color, #db4437); border-color: var(--error-color, #db4437); }
  button:disabled { opacity: 0.5; cursor: default; }
  input, select, textarea {
    font: inherit;
    color: var(--primary-text-color, #212121);
    background: var(--input-fill-color, var(--secondary-background-color, #f5f5f5));
    border: 1px solid var(--input-idle-line-color, var(--divider-color, #ccc));
    border-radius: 4px;
    padding: 6px 8px;
  }
  input:focus, select:focus, textarea:focus { outline: 2px solid var(--primary-color, #03a9f4); }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--divider-color, #e0e0e0); vertical-align: middle; }
  th { color: var(--secondary-text-color, #727272); font-weight: 500; }
  .muted { color: var(--secondary-text-color, #727272); }
  .error { color: var(--error-color, #db4437); }
  .ok { color: var(--success-color, #43a047); }
  .badge { display: inline-block; border-radius: 10px; padding: 1px 8px; font-size: 12px; font-weight: 500; color: #fff; }
  .badge.registered { background: var(--success-color, #43a047); }
  .badge.asleep { background: var(--info-color, #039be5); }
  .badge.offline { background: var(--disabled-text-color, #9e9e9e); }
  .badge.pending { background: var(--warning-color, #ffa600); }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 8px;
    height: var(--header-height, 56px);
    padding: 0 12px;
    background: var(--app-header-background-color, var(--primary-color, #03a9f4));
    color: var(--app-header-text-color, #fff);
    font-size: 20px;
  }
  .toolbar button { color: inherit; border-color: transparent; font-size: 20px; }
  .content { padding: 16px; max-width: 1400px; margin: 0 auto; box-sizing: border-box; }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
  .grow { flex: 1; }
  code, .mono { font-family: var(--code-font-family, monospace); }
`;var K={registered:"Registered",asleep:"Asleep",offline:"Offline",pending:"Pending"};function k(r){return r==null?"never":new Date(r*1e3).toLocaleString()}function w(r){return r==null?"":Array.isArray(r)?r.map(w).join(", "):typeof r=="object"?JSON.stringify(r):String(r)}function qt(r){return r==null?"":r<1?`${Math.round(r*1e3)} ms`:`${r.toFixed(2)} s`}function ot(r){let t=[r.type,`operations ${r.operations||"none"}`,r.multiple?"multiple instances":"single instance",r.mandatory?"mandatory":"optional"];r.units&&t.push(`unit ${r.units}`),r.range&&t.push(`range ${r.range}`);let e=t.join(" · ");return r.description?`${r.description}

${e}`:e}var Xt={read:"Read",write:"Write",execute:"Execute",observe:"Observe",cancel_observation:"Cancel observation",write_attributes:"Write attributes",discover:"Discover",create:"Create",delete:"Delete",read_composite:"Read composite",observe_composite:"Observe composite",write_composite:"Write composite"};function lt(r){return Xt[r]??r}var C=40,dt=10,Yt=[["endpoint","Endpoint"],["name","Name"],["state","State"],["lwm2m_version","LwM2M"],["binding","Binding"],["lifetime","Lifetime (s)"],["last_seen","Last seen"],["address","Address"],["secure","Secure"]],ct=class extends h{static properties={hass:{attribute:!1},_devices:{state:!0},_filter:{state:!0},_sort:{state:!0},_first:{state:!0},_visible:{state:!0},_error:{state:!0}};static styles=[_,v`
      .scroller { max-height: calc(100vh - 230px); min-height: ${C}px; overflow-y: auto; position: relative; }
      .grid { display: grid; grid-template-columns: 2fr 2fr 1fr 0.6fr 0.6fr 0.8fr 2fr 2fr 0.6fr; align-items: center; }
      .head { font-weight: 500; color: var(--secondary-text-color, #727272); border-bottom: 1px solid var(--divider-color, #e0e0e0); }
      .head span { padding: 8px; cursor: pointer; user-select: none; }
      .device { height: ${C}px; position: absolute; left: 0; right: 0; cursor: pointer; border-bottom: 1px solid var(--divider-color, #e0e0e0); }
      .device:hover { background: var(--secondary-background-color, #f5f5f5); }
      .device span { padding: 0 8px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .count { padding: 8px 16px; }
    `];constructor(){super(),this._devices=[],this._filter="",this._sort={key:"endpoint",descending:!1},this._first=0,this._visible=Math.ceil(window.innerHeight/C)+2*dt,this._byEndpoint=new Map}connectedCallback(){super.connectedCallback(),this._load()}disconnectedCallback(){super.disconnectedCallback(),this._unsubscribe?.then(t=>t()),this._unsubscribe=void 0}async _load(){try{let{devices:t}=await p(this.hass,"lwm2m/devices");this._byEndpoint=new Map(t.map(e=>[e.endpoint,e])),this._devices=t,this._unsubscribe=I(this.hass,"lwm2m/devices/subscribe",{},e=>{for(let s of e.devices)this._byEndpoint.set(s.endpoint,s);this._devices=[...this._byEndpoint.values()]})}catch(t){this._error=t.message}}willUpdate(t){(t.has("_devices")||t.has("_filter")||t.has("_sort"))&&(this._shownRows=this._rows())}_rows(){let t=this._filter.trim().toLowerCase(),e=t?this._devices.filter(o=>[o.endpoint,o.name,o.state,o.address].some(d=>d&&String(d).toLowerCase().includes(t))):[...this._devices],{key:s,descending:i}=this._sort,a=i?-1:1;return e.sort((o,d)=>{let l=o[s]??"",u=d[s]??"";return l<u?-a:l>u?a:o.endpoint<d.endpoint?-1:1}),e}_scrolled(t){let e=t.target;this._first=Math.max(0,Math.floor(e.scrollTop/C)-dt),this._visible=Math.ceil(e.clientHeight/C)+2*dt}_sortBy(t){let e=this._sort.key===t?!this._sort.descending:!1;this._sort={key:t,descending:e}}_open(t){this.dispatchEvent(new CustomEvent("open-device",{detail:t,bubbles:!0,composed:!0}))}render(){let t=this._shownRows,e=t.slice(this._first,this._first+this._visible),s=i=>this._sort.key===i?this._sort.descending?" ▼":" ▲":"";return n`<div class="content">
      <div class="card">
        <div class="card-header">
          <input
            class="grow"
            type="search"
            placeholder="Search endpoint, name, state or address"
            aria-label="Search devices"
            .value=${this._filter}
            @input=${i=>{this._filter=i.target.value}}
          />
        </div>
        ${this._error?n`<div class="card-content error">${this._error}</div>`:""}
        <div class="grid head" role="row">
          ${Yt.map(([i,a])=>n`<span role="columnheader" data-sort=${i}
            @click=${()=>this._sortBy(i)}>${a}${s(i)}</span>`)}
        </div>
        <div class="scroller" @scroll=${this._scrolled}>
          <div style="height: ${t.length*C}px" class="rows">
            ${e.map((i,a)=>n`<div
              class="grid device"
              role="row"
              data-endpoint=${i.endpoint}
              style="top: ${(this._first+a)*C}px"
              @click=${()=>this._open(i.endpoint)}
            >
              <span class="mono">${i.endpoint}</span>
              <span>${i.name??""}</span>
              <span><span class="badge ${i.state}">${K[i.state]??i.state}</span></span>
              <span>${i.lwm2m_version??""}</span>
              <span>${i.binding??""}</span>
              <span>${i.lifetime??""}</span>
              <span>${k(i.last_seen)}</span>
              <span class="mono">${i.address??""}</span>
              <span>${i.secure?"DTLS":i.secure===!1?"No":""}</span>
            </div>`)}
          </div>
        </div>
        <div class="count muted">${`${t.length} of ${this._devices.length} devices`}</div>
      </div>
    </div>`}};customElements.define("lwm2m-device-list",ct);var Lt=["pmin","pmax","gt","lt","st"];function H(r,t){return(r.operations||"").includes(t)}function te(r,t){if(r.multiple){let e=t.trim();return e.startsWith("[")?JSON.parse(e):e===""?[]:e.split(",").map(s=>s.trim())}return t}function Ht(r){return r.multiple?"text":["Integer","Unsigned Integer","Float"].includes(r.type)?"number":"text"}var ht=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},objects:{attribute:!1},values:{attribute:!1},observed:{attribute:!1},_form:{state:!0},_status:{state:!0},_busy:{state:!0}};static styles=[_,v`
      .instance { margin: 8px 0 16px; }
      .instance-header { display: flex; gap: 8px; align-items: center; padding: 4px 0; font-weight: 500; }
      td.name { width: 28%; }
      td.value { width: 22%; word-break: break-all; }
      td.actions { text-align: right; }
      td.actions button { margin: 2px; }
      .form { background: var(--secondary-background-color, #f5f5f5); padding: 8px; border-radius: 8px; }
      .form label { display: inline-flex; flex-direction: column; font-size: 12px; margin-right: 8px; }
      .form input { width: 110px; }
      .status { font-size: 12px; }
      [title] { text-decoration: underline dotted var(--divider-color, #ccc); }
      .observed { color: var(--success-color, #43a047); font-size: 12px; }
    `];constructor(){super(),this._status={},this._busy={}}async _run(t,e){this._busy={...this._busy,[t]:!0};let s=performance.now();try{let i=await e();return this._status={...this._status,[t]:{ok:!0,text:i??"Done"}},!0}catch(i){return this._status={...this._status,[t]:{ok:!1,text:i.message}},!1}finally{this._busy={...this._busy,[t]:!1},this._lastDuration=performance.now()-s}}_learnt(t){this.dispatchEvent(new CustomEvent("values-learnt",{detail:t,bubbles:!0,composed:!0}))}_request(t,e,s={}){return p(this.hass,t,{endpoint:this.endpoint,path:e,...s})}_read(t){return this._run(t,async()=>{let{values:e}=await this._request("lwm2m/read",t);return this._learnt(e),"Read"})}_write(t,e,s){return this._run(t,async()=>{let{values:i}=await this._request("lwm2m/write",t,{value:te(e,s)});return this._learnt(i),this._form=void 0,"Written"})}_execute(t,e){return this._run(t,async()=>(await this._request("lwm2m/execute",t,e?{arguments:e}:{}),this._form=void 0,"Executed"))}_observe(t,e){return this._run(t,async()=>(await this._request(e?"lwm2m/observe":"lwm2m/cancel_observation",t),this.dispatchEvent(new CustomEvent("observed-changed",{detail:{path:t,observed:e},bubbles:!0,composed:!0})),e?"Observing":"Observation cancelled"))}_writeAttributes(t,e){let s={};for(let i of Lt){let a=e.querySelector(`[name=${i}]`).value.trim();a!==""&&(s[i]=i.startsWith("p")?parseInt(a,10):parseFloat(a))}return this._run(t,async()=>(await this._request("lwm2m/write_attributes",t,s),this._form=void 0,`Attributes written (${Object.entries(s).map(([i,a])=>`${i}=${a}`).join(", ")})`))}_create(t,e){let s=`/${t.id}`,i={};for(let o of e.querySelectorAll("[data-resource]"))o.value.trim()!==""&&(i[o.dataset.resource]=o.value);let a=e.querySelector("[name=instance]").value.trim();return this._run(s,async()=>{let{path:o}=await this._request("lwm2m/create",a?`${s}/${a}`:s,{values:i});return this._form=void 0,this.dispatchEvent(new CustomEvent("tree-changed",{bubbles:!0,composed:!0})),`Created ${o}`})}_delete(t){if(window.confirm(`Delete ${t} on ${this.endpoint}?`))return this._run(t,async()=>(await this._request("lwm2m/delete",t),this.dispatchEvent(new CustomEvent("tree-changed",{bubbles:!0,composed:!0})),`Deleted ${t}`))}_status_of(t){let e=this._status[t];return this._busy[t]?n`<span class="status muted">…</span>`:e?n`<div class="status ${e.ok?"ok":"error"}" data-status=${t}>${e.text}</div>`:""}_value(t,e){if(!e.multiple)return this.values[t];let s=`${t}/`,i=Object.entries(this.values).filter(([a])=>a.startsWith(s));return i.length?i.map(([a,o])=>`${a.slice(s.length)}: ${w(o)}`).join(", "):void 0}_renderForm(t,e){let s=this._form;if(!s||s.path!==t)return"";let i=n`<button @click=${()=>{this._form=void 0}}>Cancel</button>`;if(s.kind==="write"){let a=w(this._value(t,e)??"");return n`<tr><td colspan="4"><div class="form row">
        ${e.type==="Boolean"&&!e.multiple?n`<select name="value" aria-label="New value of ${t}">
              <option value="true">true</option><option value="false">false</option></select>`:n`<input name="value" class="grow" type=${Ht(e)} step="any"
              aria-label="New value of ${t}" .value=${a}
              placeholder=${e.multiple?"values, comma-separated":e.type} />`}
        <button class="primary" data-action="save"
          @click=${o=>this._write(t,e,o.target.closest(".form").querySelector("[name=value]").value)}>Write</button>
        ${i}</div></td></tr>`}return s.kind==="execute"?n`<tr><td colspan="4"><div class="form row">
        <input name="arguments" class="grow" aria-label="Arguments for ${t}" placeholder="arguments (optional), e.g. 0='value'" />
        <button class="primary" data-action="run"
          @click=${a=>this._execute(t,a.target.closest(".form").querySelector("[name=arguments]").value.trim())}>Execute</button>
        ${i}</div></td></tr>`:n`<tr><td colspan="4"><div class="form row">
      ${Lt.map(a=>n`<label>${a}<input name=${a} type="number" step="any" aria-label="${a} of ${t}" /></label>`)}
      <button class="primary" data-action="write-attributes"
        @click=${a=>this._writeAttributes(t,a.target.closest(".form"))}>Write attributes</button>
      ${i}</div></td></tr>`}_renderResource(t,e,s){let i=`/${t.id}/${e}/${s.id}`,a=this.observed?.includes(i),o=d=>{this._form={path:i,kind:d}};return n`<tr data-path=${i}>
        <td class="name"><span title=${ot(s)}>${s.name}</span>
          <div class="muted mono">${i}</div></td>
        <td class="value"><span data-value=${i}>${w(this._value(i,s))}</span>
          ${s.units?n`<span class="muted">${s.units}</span>`:""}
          ${a?n`<div class="observed">observed</div>`:""}</td>
        <td>${this._status_of(i)}</td>
        <td class="actions">
          ${H(s,"R")?n`<button data-action="read" @click=${()=>this._read(i)}>Read</button>`:""}
          ${H(s,"W")?n`<button data-action="write" @click=${()=>o("write")}>Write</button>`:""}
          ${H(s,"E")?n`<button data-action="execute" @click=${()=>o("execute")}>Execute</button>`:""}
          ${H(s,"R")?n`${a?n`<button data-action="cancel-observation" @click=${()=>this._observe(i,!1)}>Cancel observation</button>`:n`<button data-action="observe" @click=${()=>this._observe(i,!0)}>Observe</button>`}
              <button data-action="attributes" @click=${()=>o("attributes")}>Attributes</button>`:""}
        </td>
      </tr>${this._renderForm(i,s)}`}_renderCreate(t){if(!this._form||this._form.path!==`/${t.id}`||this._form.kind!=="create")return"";let e=t.resources.filter(s=>H(s,"W")&&!s.multiple);return n`<div class="form" data-create=${t.id}>
      <div class="row">
        <label>Instance id<input name="instance" type="number" min="0" placeholder="next free" /></label>
        ${e.map(s=>n`<label title=${ot(s)}>
          ${s.name}${s.mandatory?" *":""}
          <input data-resource=${s.id} type=${Ht(s)} step="any" aria-label=${s.name} /></label>`)}
      </div>
      <div class="row" style="margin-top: 8px">
        <button class="primary" data-action="create-save" @click=${s=>this._create(t,s.target.closest(".form"))}>Create</button>
        <button @click=${()=>{this._form=void 0}}>Cancel</button>
      </div>
    </div>`}_knownResources(t,e){if(t.resources.length)return t.resources;let s=`/${t.id}/${e}/`;return[...new Set(Object.keys(this.values).filter(a=>a.startsWith(s)).map(a=>Number(a.slice(s.length).split("/")[0])))].sort((a,o)=>a-o).map(a=>({id:a,name:`Resource ${a}`,type:"",operations:"RWE",multiple:!1,mandatory:!1,units:"",range:"",description:"No object definition: read, write and execute are offered."}))}_renderObject(t){let e=`/${t.id}`;return n`<div class="card" data-object=${t.id}>
      <div class="card-header">
        <span title=${t.description||`Object ${t.id}${t.version?` version ${t.version}`:""}`}>${t.name}</span>
        <span class="muted mono">${e}${t.version?` v${t.version}`:""}</span>
        <span class="grow"></span>
        ${this._status_of(e)}
        ${t.protected?"":n`<button data-action="read-object" @click=${()=>this._read(e)}>Read object</button>`}
        ${t.multiple&&!t.protected?n`<button data-action="create" @click=${()=>{this._form={path:e,kind:"create"}}}>Create instance</button>`:""}
      </div>
      <div class="card-content">
        ${this._renderCreate(t)}
        ${t.instances.length===0?n`<div class="muted">No instances</div>`:""}
        ${t.instances.map(s=>{let i=`${e}/${s}`;return n`<div class="instance" data-instance=${i}>
            <div class="instance-header">
              <span class="mono">${i}</span>
              <span class="grow"></span>
              ${this._status_of(i)}
              ${t.protected?"":n`<button data-action="read-instance" @click=${()=>this._read(i)}>Read instance</button>`}
              ${t.protected||t.mandatory&&!t.multiple?"":n`<button class="danger" data-action="delete" @click=${()=>this._delete(i)}>Delete instance</button>`}
            </div>
            ${t.protected?n`<div class="muted">Holds credentials: not shown.</div>`:n`<table>${this._knownResources(t,s).map(a=>this._renderResource(t,s,a))}</table>`}
            ${t.resources.length===0&&this._knownResources(t,s).length===0?n`<div class="muted">No definition of this object: read the instance to see its resources.</div>`:""}
          </div>`})}
      </div>
    </div>`}render(){return this.objects?.length?n`${this.objects.map(t=>this._renderObject(t))}`:n`<div class="card"><div class="card-content muted">The device lists no objects.</div></div>`}};customElements.define("lwm2m-objects-tab",ht);var pt=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},changes:{attribute:!1},_requests:{state:!0},_history:{state:!0},_error:{state:!0}};static styles=_;updated(t){if(t.has("endpoint")){this._loadRequests(),this._loadHistory();return}let e=t.get("changes");e&&e.requests!==this.changes.requests&&this._loadRequests(),e&&e.history!==this.changes.history&&this._loadHistory()}async _loadRequests(){try{this._requests=(await p(this.hass,"lwm2m/requests",{endpoint:this.endpoint})).requests}catch(t){this._error=t.message}}async _loadHistory(){try{this._history=(await p(this.hass,"lwm2m/history",{endpoint:this.endpoint})).history}catch(t){this._error=t.message}}async _cancel(t){try{await p(this.hass,"lwm2m/requests/cancel",{endpoint:this.endpoint,request_id:t}),this._error=void 0}catch(e){this._error=e.message}this._loadRequests()}render(){let t=this._requests??[],e=this._history??[];return n`
      ${this._error?n`<div class="card"><div class="card-content error">${this._error}</div></div>`:""}
      <div class="card" data-section="pending">
        <div class="card-header">Pending requests</div>
        <div class="card-content">
          ${t.length===0?n`<div class="muted">Nothing waits for this device.</div>`:n`<table>
                <tr><th>Queued</th><th>Operation</th><th>Path</th><th>Waiting for</th><th></th></tr>
                ${t.map(s=>n`<tr data-request=${s.id}>
                  <td>${k(s.queued_at)}</td>
                  <td>${lt(s.operation)}</td>
                  <td class="mono">${s.path}</td>
                  <td class="muted">${s.awaited?"a user":"restored after a restart"}</td>
                  <td><button class="danger" data-action="cancel-request" @click=${()=>this._cancel(s.id)}>Cancel</button></td>
                </tr>`)}
              </table>`}
        </div>
      </div>
      <div class="card" data-section="history">
        <div class="card-header">History <span class="muted">(the last 1,000 operations)</span></div>
        <div class="card-content">
          ${e.length===0?n`<div class="muted">No operations yet.</div>`:n`<table>
                <tr><th>Time</th><th>Operation</th><th>Path</th><th>Result</th><th>Duration</th><th>User</th></tr>
                ${e.map(s=>n`<tr>
                  <td>${k(s.time)}</td>
                  <td>${lt(s.operation)}</td>
                  <td class="mono">${s.path}</td>
                  <td class=${s.result.startsWith("2.")?"ok":s.result==="pending"?"muted":"error"}>${s.result}</td>
                  <td>${qt(s.duration)}</td>
                  <td>${s.user??n`<span class="muted">Home Assistant</span>`}</td>
                </tr>`)}
              </table>`}
        </div>
      </div>`}};customElements.define("lwm2m-operations-tab",pt);var ee=["read","write","execute","observe","cancelobservation","discover","create","delete","writeattr","fwupdate"],se=100;function ie(r){let t=[];for(let e of r??[]){t.push(`/${e.id}`);for(let s of e.instances){t.push(`/${e.id}/${s}`);for(let i of e.resources)t.push(`/${e.id}/${s}/${i.id}`)}}return t}function re(r){return r.reduce((t,e)=>{let s=0;for(;s<t.length&&t[s]===e[s];)s+=1;return t.slice(0,s)})}var ut=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},objects:{attribute:!1},_lines:{state:!0},_hint:{state:!0},_running:{state:!0}};static styles=[_,v`
      .output { font-family: var(--code-font-family, monospace); white-space: pre-wrap; min-height: 200px; max-height: 50vh; overflow-y: auto; padding: 8px; background: var(--code-editor-background-color, var(--secondary-background-color, #f5f5f5)); border-radius: 8px; }
      .command { color: var(--primary-color, #03a9f4); }
      .prompt { display: flex; gap: 8px; margin-top: 8px; }
      .prompt input { flex: 1; font-family: var(--code-font-family, monospace); }
    `];constructor(){super(),this._lines=[],this._position=-1}get _storageKey(){return`lwm2m-shell-history:${this.endpoint}`}_history(){try{return JSON.parse(window.localStorage.getItem(this._storageKey)??"[]")}catch{return[]}}_remember(t){let e=this._history().filter(s=>s!==t);e.push(t),window.localStorage.setItem(this._storageKey,JSON.stringify(e.slice(-se)))}async _run(t){let e=t.value.trim();if(!e)return;t.value="",this._position=-1,this._hint=void 0,this._remember(e),this._lines=[...this._lines,{kind:"command",text:`> ${e}`}],this._running=!0;try{let i=await p(this.hass,"lwm2m/shell",{endpoint:this.endpoint,command:e});i?.values&&this.dispatchEvent(new CustomEvent("values-learnt",{detail:i.values,bubbles:!0,composed:!0})),this._lines=[...this._lines,{kind:"ok",text:JSON.stringify(i,null,2)}]}catch(i){this._lines=[...this._lines,{kind:"error",text:i.message}]}finally{this._running=!1}await this.updateComplete;let s=this.renderRoot.querySelector(".output");s.scrollTop=s.scrollHeight}_complete(t){let s=t.value.split(" "),i=s[s.length-1],a=s.length===1?ee.filter(d=>d.startsWith(i)):ie(this.objects).filter(d=>d.startsWith(i));if(a.length===0){this._hint="No completion";return}let o=a.length===1?a[0]+(s.length===1?" ":""):re(a);s[s.length-1]=o,t.value=s.join(" "),this._hint=a.length>1?a.slice(0,20).join("  ")+(a.length>20?"  …":""):void 0}_recall(t,e){let s=this._history();if(s.length===0)return;let i=this._position===-1?s.length:this._position,a=Math.min(s.length,Math.max(0,i+e));this._position=a===s.length?-1:a,t.value=a===s.length?"":s[a]}_key(t){let e=t.target;t.key==="Enter"?this._run(e):t.key==="Tab"?(t.preventDefault(),this._complete(e)):t.key==="ArrowUp"?(t.preventDefault(),this._recall(e,-1)):t.key==="ArrowDown"&&(t.preventDefault(),this._recall(e,1))}render(){return n`<div class="card">
      <div class="card-header">Shell <span class="muted">read /3/0/0 · write /3303/0/5750 Kitchen · execute /3/0/4 · writeattr /3303/0/5700 pmin=10&amp;pmax=60 · Tab completes, ↑↓ recall</span></div>
      <div class="card-content">
        <div class="output" role="log">${this._lines.length===0?n`<span class="muted">Type a command below.</span>`:this._lines.map(t=>n`<div class=${t.kind}>${t.text}</div>`)}</div>
        <div class="prompt">
          <input aria-label="Shell command" placeholder="command /path [value]" autocomplete="off"
            spellcheck="false" @keydown=${this._key} ?disabled=${this._running} />
          <button class="primary" @click=${t=>this._run(t.target.previousElementSibling)}>Run</button>
        </div>
        ${this._hint?n`<div class="muted mono" data-hint>${this._hint}</div>`:""}
      </div>
    </div>`}};customElements.define("lwm2m-shell-tab",ut);var mt=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},_data:{state:!0},_problems:{state:!0},_message:{state:!0},_error:{state:!0}};static styles=[_,v`
      .fields { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 12px 16px; }
      label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--secondary-text-color, #727272); }
      label .error { font-size: 12px; }
      .actions { display: flex; gap: 8px; margin-top: 16px; align-items: center; }
    `];updated(t){t.has("endpoint")&&this._load()}async _load(){try{this._data=await p(this.hass,"lwm2m/bootstrap",{endpoint:this.endpoint}),this._problems={}}catch(t){this._error=t.message}}async _save(){let t={};for(let e of this.renderRoot.querySelectorAll("[data-column]")){let s=this._data.parameters.find(i=>i.column===e.dataset.column);s.write_only?e.value!==""&&(t[s.column]=e.value):e.value!==(s.value??"")&&(t[s.column]=e.value)}this._message=void 0,this._error=void 0;try{let e=await p(this.hass,"lwm2m/bootstrap/update",{endpoint:this.endpoint,changes:t});if(!e.saved){this._problems=Object.fromEntries(e.problems.map(s=>[s.column,s.message])),this._error="Nothing was saved: correct the marked fields.";return}this._problems={},this._data={...this._data,parameters:e.parameters,stored:!0};for(let s of this.renderRoot.querySelectorAll("input[type=password]"))s.value="";this._message="Saved: the device gets these parameters on its next bootstrap."}catch(e){this._error=e.message}}async _trigger(){this._message=void 0,this._error=void 0;try{let{path:t}=await p(this.hass,"lwm2m/bootstrap/trigger",{endpoint:this.endpoint});this._message=`Bootstrap-Request Trigger ${t} executed: the device bootstraps again.`}catch(t){this._error=t.message}}_field(t){let e=this._problems?.[t.column];return t.column==="endpoint id"?n`<label>${t.column}<input .value=${t.value??""} disabled /></label>`:n`<label>${t.column}
      ${t.write_only?n`<input type="password" autocomplete="new-password" data-column=${t.column}
            aria-label=${t.column} placeholder=${t.set?"•••••••• set (type to replace)":"not set"} />`:n`<input data-column=${t.column} aria-label=${t.column} .value=${t.value??""} />`}
      ${e?n`<span class="error" data-problem=${t.column}>${e}</span>`:""}
    </label>`}render(){return this._data?n`<div class="card">
      <div class="card-header">Bootstrap parameters
        <span class="muted">${this._data.stored?"from the credential store":"not in the credential store yet"}</span></div>
      <div class="card-content">
        <div class="fields">${this._data.parameters.map(t=>this._field(t))}</div>
        <div class="actions">
          <button class="primary" data-action="save-bootstrap" @click=${this._save}>Save</button>
          ${this._data.trigger?n`<button data-action="bootstrap-again" @click=${this._trigger}>Bootstrap again</button>`:n`<span class="muted">The device has no Bootstrap-Request Trigger (/1/x/9).</span>`}
        </div>
        ${this._message?n`<div class="ok" data-message>${this._message}</div>`:""}
        ${this._error?n`<div class="error" data-error>${this._error}</div>`:""}
      </div>
    </div>`:n`${this._error?n`<div class="card"><div class="card-content error">${this._error}</div></div>`:""}`}};customElements.define("lwm2m-bootstrap-tab",mt);var ft=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},_devices:{state:!0},_reference:{state:!0},_audit:{state:!0},_open:{state:!0},_selected:{state:!0},_results:{state:!0},_busy:{state:!0},_error:{state:!0}};static styles=[_,v`
      .instance { cursor: pointer; }
      .different { color: var(--warning-color, #ffa600); font-weight: 500; }
      .values td { font-size: 13px; }
    `];constructor(){super(),this._open=new Set,this._selected=new Set,this._results={}}updated(t){t.has("endpoint")&&this._loadDevices()}async _loadDevices(){try{let{devices:t}=await p(this.hass,"lwm2m/devices");this._devices=t.filter(e=>e.endpoint!==this.endpoint)}catch(t){this._error=t.message}}async _compare(){this._busy=!0,this._error=void 0,this._results={},this._selected=new Set;try{this._audit=await p(this.hass,"lwm2m/audit",{endpoint:this.endpoint,reference:this._reference})}catch(t){this._error=t.message}finally{this._busy=!1}}async _sync(){this._busy=!0;try{let{results:t}=await p(this.hass,"lwm2m/audit/sync",{endpoint:this.endpoint,reference:this._reference,paths:[...this._selected]});this._results=Object.fromEntries(t.map(s=>[s.path,s]));let e=this._results;await this._compareAgain(),this._results=e}catch(t){this._error=t.message}finally{this._busy=!1}}async _compareAgain(){this._audit=await p(this.hass,"lwm2m/audit",{endpoint:this.endpoint,reference:this._reference,read:!1}),this._selected=new Set}_toggle(t,e){let s=new Set(t);return s.has(e)?s.delete(e):s.add(e),s}_renderValues(t){return n`<tr class="values"><td colspan="4"><table>
      <tr><th></th><th>Resource</th><th>This device</th><th>${this._reference}</th><th>Sync result</th></tr>
      ${t.values.map(e=>{let s=this._results[e.path];return n`<tr data-path=${e.path}>
          <td>${e.equal||!e.syncable?"":n`<input type="checkbox" aria-label="Sync ${e.path}"
            .checked=${this._selected.has(e.path)}
            @change=${()=>{this._selected=this._toggle(this._selected,e.path)}} />`}</td>
          <td>${e.name} <span class="muted mono">${e.path}</span></td>
          <td class=${e.equal?"":"different"}>${w(e.value)}</td>
          <td>${w(e.reference)}</td>
          <td>${s?n`<span class=${s.ok?"ok":"error"} data-result=${e.path}>${s.ok?"Synced":s.error}</span>`:""}</td>
        </tr>`})}
    </table></td></tr>`}render(){let t=this._audit?.instances??[];return n`<div class="card">
      <div class="card-header">Audit configuration</div>
      <div class="card-content">
        <div class="row">
          <label>Reference device
            <select aria-label="Reference device" @change=${e=>{this._reference=e.target.value}}>
              <option value="">Pick a device</option>
              ${(this._devices??[]).map(e=>n`<option value=${e.endpoint}>${e.endpoint}${e.name&&e.name!==e.endpoint?` (${e.name})`:""}</option>`)}
            </select></label>
          <button class="primary" data-action="compare" ?disabled=${!this._reference||this._busy} @click=${this._compare}>Compare</button>
          <button data-action="sync" ?disabled=${this._selected.size===0||this._busy} @click=${this._sync}>Sync selected (${this._selected.size})</button>
          ${this._busy?n`<span class="muted">Working…</span>`:""}
        </div>
        ${this._error?n`<div class="error">${this._error}</div>`:""}
        ${this._audit?.problems?.length?n`<div class="error">${this._audit.problems.join("; ")}</div>`:""}
        ${this._audit?n`<table style="margin-top: 12px">
              <tr><th>Instance</th><th>Object</th><th>Equal</th><th>Different</th></tr>
              ${t.map(e=>n`
                <tr class="instance" data-instance=${e.path}
                  @click=${()=>{this._open=this._toggle(this._open,e.path)}}>
                  <td class="mono">${this._open.has(e.path)?"▾":"▸"} ${e.path}</td>
                  <td>${e.name}</td>
                  <td>${e.equal}</td>
                  <td class=${e.different?"different":""}>${e.different}</td>
                </tr>
                ${this._open.has(e.path)?this._renderValues(e):""}`)}
            </table>`:n`<p class="muted">Pick a reference device and compare: per object instance both devices have, the writable values that are equal and those that differ.</p>`}
      </div>
    </div>`}};customElements.define("lwm2m-audit-tab",ft);var ae=[["objects","Objects"],["operations","Operations"],["shell","Shell"],["bootstrap","Bootstrap"],["audit","Audit"]],_t=class extends h{static properties={hass:{attribute:!1},endpoint:{type:String},tab:{type:String},_view:{state:!0},_values:{state:!0},_error:{state:!0},_changes:{state:!0}};static styles=[_,v`
      .tabs { display: flex; gap: 4px; padding: 0 16px; background: var(--app-header-background-color, var(--primary-color, #03a9f4)); overflow-x: auto; }
      .tabs button { border: none; border-radius: 0; color: var(--app-header-text-color, #fff); opacity: 0.75; padding: 10px 16px; border-bottom: 2px solid transparent; }
      .tabs button[aria-selected="true"] { opacity: 1; border-bottom-color: var(--app-header-text-color, #fff); }
      .facts { display: flex; gap: 16px; flex-wrap: wrap; }
    `];constructor(){super(),this._values={},this._changes={history:0,requests:0}}updated(t){t.has("endpoint")&&this.endpoint?this._load():t.has("tab")&&this._view&&this._refresh()}disconnectedCallback(){super.disconnectedCallback(),this._stop()}_stop(){this._unsubscribe?.then(t=>t()).catch(()=>{}),this._unsubscribe=void 0}async _load(){this._stop(),this._error=void 0;try{let t=await p(this.hass,"lwm2m/device",{endpoint:this.endpoint});this._view=t,this._values=t.values,this._unsubscribe=I(this.hass,"lwm2m/device/subscribe",{endpoint:this.endpoint},e=>this._event(e))}catch(t){this._error=t.message}}async _refresh(){try{let t=await p(this.hass,"lwm2m/device",{endpoint:this.endpoint});this._view=t,this._values={...this._values,...t.values}}catch(t){this._error=t.message}}_event(t){t.values&&(this._values={...this._values,...t.values}),t.device&&(this._view={...this._view,device:t.device},this._refresh()),t.history&&(this._changes={...this._changes,history:this._changes.history+1}),t.requests&&(this._changes={...this._changes,requests:this._changes.requests+1})}_learnt(t){this._values={...this._values,...t.detail}}_observed(t){let{path:e,observed:s}=t.detail,i=new Set(this._view.observed);s?i.add(e):i.delete(e),this._view={...this._view,observed:[...i]}}_select(t){this.dispatchEvent(new CustomEvent("tab-changed",{detail:t,bubbles:!0,composed:!0}))}_renderTab(){let t={hass:this.hass,endpoint:this.endpoint};switch(this.tab){case"operations":return n`<lwm2m-operations-tab .hass=${t.hass} .endpoint=${t.endpoint}
          .changes=${this._changes}></lwm2m-operations-tab>`;case"shell":return n`<lwm2m-shell-tab .hass=${t.hass} .endpoint=${t.endpoint}
          .objects=${this._view.objects} @values-learnt=${this._learnt}></lwm2m-shell-tab>`;case"bootstrap":return n`<lwm2m-bootstrap-tab .hass=${t.hass} .endpoint=${t.endpoint}></lwm2m-bootstrap-tab>`;case"audit":return n`<lwm2m-audit-tab .hass=${t.hass} .endpoint=${t.endpoint}></lwm2m-audit-tab>`;default:return n`<lwm2m-objects-tab .hass=${t.hass} .endpoint=${t.endpoint}
          .objects=${this._view.objects} .values=${this._values} .observed=${this._view.observed}
          @values-learnt=${this._learnt} @observed-changed=${this._observed}
          @tree-changed=${()=>this._refresh()}></lwm2m-objects-tab>`}}render(){let t=this._view?.device;return n`<div class="toolbar">
        <button aria-label="Back to the devices" title="Back to the devices"
          @click=${()=>this.dispatchEvent(new CustomEvent("back",{bubbles:!0,composed:!0}))}>←</button>
        <span class="mono">${this.endpoint}</span>
        ${t?n`<span class="badge ${t.state}">${K[t.state]??t.state}</span>`:""}
      </div>
      <div class="tabs" role="tablist">
        ${ae.map(([e,s])=>n`<button role="tab" data-tab=${e}
          aria-selected=${String((this.tab||"objects")===e)}
          @click=${()=>this._select(e)}>${s}</button>`)}
      </div>
      <div class="content">
        ${this._error?n`<div class="card"><div class="card-content error">${this._error}</div></div>`:""}
        ${t?n`<div class="card"><div class="card-content facts">
          <span>${t.name??t.endpoint}</span>
          <span class="muted">LwM2M ${t.lwm2m_version??"?"}</span>
          <span class="muted">binding ${t.binding??"?"}</span>
          <span class="muted">lifetime ${t.lifetime??"?"} s</span>
          <span class="muted">${t.address??"no address"}</span>
          <span class="muted">${t.secure?"DTLS":"not secured"}</span>
          <span class="muted">last seen ${k(t.last_seen)}</span>
        </div></div>`:""}
        ${this._view?this._renderTab():""}
      </div>`}};customElements.define("lwm2m-device-view",_t);var F="/lwm2m",vt=class extends h{static properties={hass:{attribute:!1},narrow:{type:Boolean},route:{attribute:!1},panel:{attribute:!1}};static styles=_;_location(){let t=this.route?.path??window.location.pathname.slice(F.length),[,e,s,i]=t.split("/");return e==="device"&&s?{endpoint:decodeURIComponent(s),tab:i||"objects"}:{}}render(){if(!this.hass)return n``;let{endpoint:t,tab:e}=this._location(),s=customElements.get("ha-menu-button")?n`<ha-menu-button .hass=${this.hass} .narrow=${this.narrow}></ha-menu-button>`:"";return t?n`<lwm2m-device-view
        .hass=${this.hass}
        .endpoint=${t}
        .tab=${e}
        @back=${()=>V(F)}
        @tab-changed=${i=>V(`${F}/device/${encodeURIComponent(t)}/${i.detail}`)}
      ></lwm2m-device-view>`:n`<div class="toolbar">${s}<span>LwM2M devices</span></div>
      <lwm2m-device-list
        .hass=${this.hass}
        @open-device=${i=>V(`${F}/device/${encodeURIComponent(i.detail)}/objects`)}
      ></lwm2m-device-list>`}};customElements.define("lwm2m-panel",vt);
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/
